package org.hwpersonality.management.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationResult;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.tenant.Sharing;

/**
 * Over random sequences of requests and releases by the VMs of two tenants on a small fleet (two cards, two partial
 * regions each, instant programming and clearing): a VM never gets a region whose card memory may hold the other
 * tenant's data (the simulator's record of what ran there since its last clear), and never a profile or image that
 * is not shared with its tenant. Each tenant has its own compression profile, shared with it alone; a third one,
 * public and shareable, may pass between them.
 */
class TenantSeparationPropertyTest {
    private static final String ZSTD = TenantsOnSharedHardwareTest.ZSTD; // acme's
    private static final String SQL_FILTER = TenantsOnSharedHardwareTest.SQL_FILTER; // beta's
    private static final List<String> TENANTS = List.of("acme", "beta");
    private static final int VMS_PER_TENANT = 3;

    private static Path folder;
    private static Platform p;
    /** VM IDs: acme's first, then beta's. */
    private static final List<String> vms = new ArrayList<>();
    /** What each tenant's designs are: the images whose data is that tenant's. */
    private static final Map<String, Set<Sha256>> own = new HashMap<>();

    private static long requests;
    private static long served;
    private static long clears;

    @BeforeContainer
    static void start() throws Exception {
        folder = Files.createTempDirectory("hwp-tenants");
        Map<String, Object> fleet = new HashMap<>(Platform.u250("mix-", 2));
        fleet.put("portBandwidthMBps", 1_000_000_000.0);
        fleet.put("setupMs", 0L);
        fleet.put("memoryWipeMBps", 1_000_000_000.0);
        p = new Platform(folder, Map.of("attempts", 8), fleet);
        for (String t : TENANTS) {
            p.management.addTenant(t, "", "karaf");
            for (int i = 0; i < VMS_PER_TENANT; i++) {
                vms.add(TenantsOnSharedHardwareTest.vm(p, t + "-" + i, t));
            }
        }
        p.management.shareProfile(ZSTD, Sharing.with(Set.of("acme"), false), "karaf");
        p.management.shareProfile(SQL_FILTER, Sharing.with(Set.of("beta"), false), "karaf");
        own.put("acme", Set.of(TenantsOnSharedHardwareTest.image(p, ZSTD)));
        own.put("beta", Set.of(TenantsOnSharedHardwareTest.image(p, SQL_FILTER)));
    }

    @AfterContainer
    static void stop() throws Exception {
        System.out.println("TenantSeparationPropertyTest: " + requests + " requests, " + served + " served, " + clears
                + " cleared a region first");
        assertThat(served).as("the sequences served requests").isPositive();
        assertThat(clears).as("the sequences moved regions between tenants").isPositive();
        p.close();
    }

    /** One step: VM {@code vm} asks (a compression request, or database acceleration for beta) or releases. */
    record Step(int vm, boolean request, boolean database) {}

    @Provide
    Arbitrary<List<Step>> sequences() {
        Arbitrary<Step> step = net.jqwik.api.Combinators.combine(
                        Arbitraries.integers().between(0, 2 * VMS_PER_TENANT - 1),
                        Arbitraries.of(true, true, false),
                        Arbitraries.of(false, false, true))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(16);
    }

    @Property(tries = 1000)
    void noVmGetsARegionHoldingAnotherTenantsData(@ForAll("sequences") List<Step> steps) {
        Map<String, Allocation> held = new LinkedHashMap<>();
        try {
            for (Step s : steps) {
                String vm = vms.get(s.vm());
                String tenant = TENANTS.get(s.vm() / VMS_PER_TENANT);
                Allocation current = held.get(vm);
                if (!s.request()) {
                    if (current != null) {
                        p.management.release(current.id(), vm);
                        held.remove(vm);
                    }
                    continue;
                }
                if (current != null) {
                    continue; // one slot per VM here; it holds one
                }
                String workload = s.database() && tenant.equals("beta") ? "database-acceleration" : "compression";
                requests++;
                AllocationResult result;
                try {
                    result = p.management.request(
                            new PersonalityRequest(vm, TenantsOnSharedHardwareTest.LINUX, workload, Requirements.NONE),
                            vm);
                } catch (HwpException e) {
                    assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.NO_CAPACITY);
                    continue;
                }
                served++;
                Allocation a = result.allocation();
                assertThat(a.state()).isEqualTo(AllocationState.ACTIVE);
                held.put(vm, a);
                if (result.reconfiguration().clearingMs().isPresent()) {
                    clears++;
                }
                Sha256 image = p.profiles
                        .find(a.personalityId())
                        .orElseThrow()
                        .fabric()
                        .bitstream();
                assertThat(own.get(tenant))
                        .as("only what is shared with " + tenant)
                        .contains(image);
                String local = a.deviceId().substring(a.deviceId().indexOf(':') + 1);
                assertThat(p.sim.residue(local, a.regionId()))
                        .as("the card memory of " + a.regionKey() + " given to " + tenant)
                        .isSubsetOf(own.get(tenant));
                Region region = p.devices
                        .device(a.deviceId())
                        .orElseThrow()
                        .region(a.regionId())
                        .orElseThrow();
                assertThat(region.tenant()).contains(tenant);
            }
        } finally {
            for (Map.Entry<String, Allocation> h : held.entrySet()) {
                p.management.release(h.getValue().id(), h.getKey());
            }
        }
    }
}
