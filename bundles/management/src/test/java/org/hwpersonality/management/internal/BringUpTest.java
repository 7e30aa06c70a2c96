package org.hwpersonality.management.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.allocation.AllocationResult;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bring-up characterization on the real stores and simulator: the images configured for a family are characterized
 * on a new card's idle region and stored as CHARACTERIZED profiles, and a request that needs the region meanwhile
 * waits for the one programming under way, no more, while bring-up keeps quiet.
 */
class BringUpTest {
    private static final OsInfo LINUX = OsInfo.of("linux", "5.15.0");
    /** The sample catalogue's images for an Alveo U250: zstd (compression) and the SQL filter. */
    static final String ZSTD = "17be4ae4f14cebe4fcf973672867350324c419e23695678df2f3cb919485edbd";

    static final String SQL = "cdd378f1b5534212c0f3bd088a4f8aca884f76a5c1b0b14825544323b9f6d09a";
    /** The simulated card's setup time per programming. */
    static final long SETUP_MS = 1_500;
    /** Bring-up of both images on U250s. */
    static final String PLAN =
            "alveo-u250:" + ZSTD + ":compression:xrt-zstd, alveo-u250:" + SQL + ":database-acceleration:xrt-sqlfilter";

    @TempDir
    Path folder;

    /** One U250 with a single partial region, programmed in {@link #SETUP_MS}: bring-up and requests share it. */
    static Map<String, Object> oneRegion() {
        Map<String, Object> fleet = new HashMap<>(Platform.u250("bu-", 1));
        fleet.put("regions", 1);
        fleet.put("partial", true);
        fleet.put("setupMs", SETUP_MS);
        return fleet;
    }

    @Test
    void aNewCardIsCharacterizedInItsIdleRegionAndARequestWaitsForOneProgrammingAtMost() throws Exception {
        Map<String, Object> settings = Map.of("bringUp", PLAN, "backgroundQuietSeconds", 2L);
        try (Platform p = new Platform(folder, settings)) {
            // The back end reports a new card.
            p.sim.bindFleet(new org.hwpersonality.backend.sim.internal.SimFleet(
                    Platform.config(org.hwpersonality.backend.sim.internal.SimFleet.Config.class, oneRegion())));
            p.inventory.rescan();
            String device = p.inventory.devices().get(0).id();
            await(
                    "bring-up programs the first image",
                    () -> p.inventory.bringUp(device).orElse("").contains("characterizing " + ZSTD.substring(0, 12)));

            // A request comes while the only region is being characterized: it waits for that programming.
            String vm = p.management.registerVm("web", LINUX, "karaf").vm().id();
            long t0 = System.nanoTime();
            AllocationResult served = p.management.request(
                    new PersonalityRequest(
                            vm,
                            LINUX,
                            "compression",
                            new Requirements(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())),
                    "karaf");
            assertServedAfterOneProgramming("the request", served, t0, p.inventory, device);

            PersonalityProfile zstd = p.profiles
                    .find("bringup-alveo-u250-" + ZSTD.substring(0, 12) + "-compression-v1")
                    .orElseThrow();
            assertThat(zstd.origin()).isEqualTo(Origin.CHARACTERIZED);
            assertThat(zstd.workloads().get(0).performance().throughputGops()).isPositive();
            assertThat(zstd.osSupport().get(0).driverName()).isEqualTo("xrt-zstd");

            // Released, the region is idle again: bring-up characterizes the second image there.
            p.management.release(served.allocation().id(), "karaf");
            await(
                    "bring-up characterizes the second image",
                    () -> p.inventory.bringUp(device).orElse("").startsWith("2 of 2 image(s) characterized"));
            assertThat(p.profiles.find("bringup-alveo-u250-" + SQL.substring(0, 12) + "-database-acceleration-v1"))
                    .hasValueSatisfying(s -> assertThat(s.origin()).isEqualTo(Origin.CHARACTERIZED));
        }
    }

    @Test
    void aPlanThatIsNotAFamilyImageWorkloadAndDriverIsRefusedWithTheFieldNamed() {
        for (String bad : List.of("alveo-u250:" + ZSTD + ":compression", "alveo-u250:not-a-sha:compression:drv")) {
            assertThatThrownBy(() -> BringUp.Plan.parse(bad))
                    .isInstanceOfSatisfying(
                            ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("bringUp"))
                    .hasMessageContaining(bad);
        }
        assertThat(BringUp.Plan.parse(" ")).isEmpty();
        assertThat(BringUp.Plan.parse("pac-a10:" + SQL + ":compression:opae-gzip"))
                .singleElement()
                .satisfies(plan -> assertThat(plan.name()).isEqualTo("bringup-pac-a10-cdd378f1b553-compression"));
    }

    /**
     * A request that came at {@code t0}, during the bring-up programming of the device's only region: served on it,
     * reusing the image bring-up loaded, no later than that one programming allows; the second image waits (the
     * region is taken, and bring-up keeps quiet).
     */
    static void assertServedAfterOneProgramming(
            String what, AllocationResult served, long t0, DeviceInventory host, String device) {
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println(what + " was served " + waitedMs + " ms after it came, during a bring-up programming of "
                + SETUP_MS + " ms on " + device);
        assertThat(served.allocation().state()).isEqualTo(AllocationState.ACTIVE);
        assertThat(served.allocation().deviceId()).isEqualTo(device);
        assertThat(served.reconfiguration().performed())
                .as("the region holds the zstd image bring-up loaded: reused")
                .isFalse();
        assertThat(waitedMs)
                .as("no longer than the one programming under way (another would take %d ms more)", SETUP_MS)
                .isLessThan(SETUP_MS + SETUP_MS / 2);
        assertThat(host.bringUp(device))
                .as("the second image waits: the region is taken, and bring-up keeps quiet")
                .contains("1 of 2 image(s) characterized");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 60 s");
            }
            Thread.sleep(20);
        }
    }
}
