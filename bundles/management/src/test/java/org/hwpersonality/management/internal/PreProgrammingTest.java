package org.hwpersonality.management.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.allocation.AllocationResult;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pre-programming on the real stores and simulator: with it on, an idle region is loaded with what the family's
 * history says comes next, and the next such request is a reuse with no programming; with it off (the default) that
 * request programs a region.
 */
class PreProgrammingTest {
    private static final OsInfo LINUX = OsInfo.of("linux", "5.15.0");

    @TempDir
    Path folder;

    private static PersonalityRequest compression(String vmId) {
        return new PersonalityRequest(
                vmId,
                LINUX,
                "compression",
                new Requirements(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    }

    /** Two VMs ask for compression in turn, the first keeping its region; the second's answer. */
    private static AllocationResult secondOfTwo(Platform p, Runnable between) {
        String first = p.management.registerVm("first", LINUX, "karaf").vm().id();
        AllocationResult one = p.management.request(compression(first), "karaf");
        assertThat(one.reconfiguration().performed())
                .as("a fresh fleet: programmed")
                .isTrue();
        between.run();
        String second = p.management.registerVm("second", LINUX, "karaf").vm().id();
        AllocationResult two = p.management.request(compression(second), "karaf");
        assertThat(two.allocation().personalityId()).isEqualTo(one.allocation().personalityId());
        assertThat(two.allocation().regionKey()).isNotEqualTo(one.allocation().regionKey());
        return two;
    }

    @Test
    void onAnIdleRegionIsLoadedWithWhatComesNextAndTheNextRequestNeedsNoProgramming() throws Exception {
        try (Platform p = new Platform(folder, Map.of("preProgramming", true), Platform.u250("pp-", 2))) {
            AllocationResult second = secondOfTwo(p, () -> {
                // The history holds one compression allocation: a FREE region gets its personality.
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (p.inventory.devices().stream()
                        .flatMap(d -> d.regions().stream())
                        .noneMatch(r -> r.state() == RegionState.FREE
                                && r.loadedPersonalityId().isPresent())) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("no idle region was pre-programmed within 30 s");
                    }
                    sleep(50);
                }
            });
            assertThat(second.reconfiguration().performed())
                    .as("the region was pre-programmed: a reuse")
                    .isFalse();
            assertThat(second.match().reusesLoadedImage()).isTrue();
            // Both compression regions are taken; the two left stay as they are (nothing ranked is missing).
            sleep(PreProgramming.PASS_EVERY.toMillis() + 1_000);
            assertThat(p.inventory.devices().stream()
                            .flatMap(d -> d.regions().stream())
                            .filter(r -> r.state() == RegionState.FREE
                                    && r.loadedPersonalityId().isPresent()))
                    .as("one idle region per ranked personality, not every idle region")
                    .hasSize(1);
        }
    }

    @Test
    void offTheNextRequestProgramsARegion() throws Exception {
        try (Platform p = new Platform(folder, Map.of(), Platform.u250("np-", 2))) {
            AllocationResult second = secondOfTwo(p, () -> sleep(PreProgramming.PASS_EVERY.toMillis() + 1_000));
            assertThat(second.reconfiguration().performed()).isTrue();
        }
    }

    /**
     * A region that may hold a tenant's data is not loaded for another tenant's demand: the clean region gets what the
     * fleet asked for, the tenant's region keeps what that tenant ran.
     */
    @Test
    void aRegionWithATenantsDataIsNotLoadedForAnotherTenantsDemand() throws Exception {
        Map<String, Object> three = new java.util.HashMap<>(Platform.u250("tp-", 1));
        three.put("regions", 3);
        try (Platform p = new Platform(folder, Map.of("preProgramming", true), three)) {
            p.management.addTenant("acme", "", "karaf");
            String mine = p.management.registerVm("db", LINUX, "karaf").vm().id();
            String theirs = p.management
                    .registerVm("zip", LINUX, org.hwpersonality.api.vm.VmLocation.ANYWHERE, "acme", "karaf")
                    .vm()
                    .id();
            AllocationResult db = p.management.request(
                    new PersonalityRequest(
                            mine,
                            LINUX,
                            "database-acceleration",
                            new Requirements(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())),
                    "karaf");
            AllocationResult zip = p.management.request(
                    new PersonalityRequest(
                            theirs,
                            LINUX,
                            "compression",
                            new Requirements(Optional.of(40.0), Optional.empty(), Optional.empty(), Optional.empty())),
                    "karaf");
            String acmeRegion = zip.allocation().regionId();
            p.management.release(zip.allocation().id(), "karaf");

            // The history: the SQL filter (default tenant) and zstd (acme, the newest). The clean region gets the SQL
            // filter, which no idle region holds; acme's keeps zstd, which acme asked for.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (p.inventory.devices().get(0).regions().stream()
                    .noneMatch(r -> r.state() == RegionState.FREE
                            && r.tenant().isEmpty()
                            && r.loadedPersonalityId()
                                    .equals(Optional.of(db.allocation().personalityId())))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the clean region was not pre-programmed within 30 s: "
                            + p.inventory.devices().get(0).regions());
                }
                sleep(50);
            }
            sleep(PreProgramming.PASS_EVERY.toMillis() + 1_000); // another pass: it leaves acme's region alone
            var acme = p.inventory.devices().get(0).region(acmeRegion).orElseThrow();
            assertThat(acme.tenant()).contains("acme");
            assertThat(acme.loadedPersonalityId()).contains(zip.allocation().personalityId());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
