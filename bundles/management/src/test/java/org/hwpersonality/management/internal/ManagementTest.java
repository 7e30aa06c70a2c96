package org.hwpersonality.management.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationResult;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.allocation.Eviction;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.profile.ClockSetting;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.request.Metrics;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.RepersonalizationRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.store.AllocationRecords.RegionChange;
import org.hwpersonality.api.store.ProgrammingTask;
import org.hwpersonality.api.store.Signals;
import org.hwpersonality.api.store.TaskRecords;
import org.hwpersonality.api.tenant.Tenant;
import org.hwpersonality.api.vm.VirtualMachine;
import org.hwpersonality.api.vm.VmLocation;
import org.hwpersonality.repository.internal.SqlTaskRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management service on the real stores (embedded Derby), the sample catalogue and the simulator. */
class ManagementTest {
    private static final OsInfo LINUX = OsInfo.of("linux", "5.15.0");
    private static final String ZSTD = "zstd-u250-v1";

    @TempDir
    Path folder;

    private static Requirements needs(Double throughput, Double latency, Double power) {
        return new Requirements(
                Optional.ofNullable(throughput),
                Optional.ofNullable(latency),
                Optional.ofNullable(power),
                Optional.empty());
    }

    private static PersonalityRequest compression(String vmId, Requirements r) {
        return new PersonalityRequest(vmId, LINUX, "compression", r);
    }

    private static Region region(Platform p, String deviceId, String regionId) {
        return p.devices.device(deviceId).orElseThrow().region(regionId).orElseThrow();
    }

    @Test
    void vmsBelongToTenantsThatExist() throws Exception {
        try (Platform p = new Platform(folder, Map.of(), Platform.u250("tn-", 1))) {
            assertThat(p.management.registerVm("web-1", LINUX, "karaf").vm().tenant())
                    .isEqualTo(Tenant.DEFAULT);
            assertThatThrownBy(() -> p.management.registerVm("web-2", LINUX, VmLocation.ANYWHERE, "acme", "karaf"))
                    .isInstanceOfSatisfying(ValidationException.class, e -> {
                        assertThat(e.field()).isEqualTo("tenant");
                        assertThat(e.getMessage()).contains("no tenant acme");
                    });
            int before = p.management.vms().size();

            Tenant acme = p.management.addTenant("acme", "Acme video", "karaf");
            assertThat(p.management.tenants()).extracting(Tenant::id).containsExactly("acme", Tenant.DEFAULT);
            VirtualMachine vm = p.management
                    .registerVm("web-2", LINUX, VmLocation.ANYWHERE, acme.id(), "karaf")
                    .vm();
            assertThat(vm.tenant()).isEqualTo("acme");
            assertThat(p.management.vm(vm.id()).orElseThrow().tenant()).isEqualTo("acme");
            assertThat(p.management.vms()).hasSize(before + 1);

            assertThatThrownBy(() -> p.management.addTenant("acme", "", "karaf"))
                    .isInstanceOfSatisfying(
                            HwpException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
            for (String bad : new String[] {"Acme", "", "-acme", "acme corp", "a".repeat(65)}) {
                assertThatThrownBy(() -> p.management.addTenant(bad, "", "karaf"))
                        .as(bad)
                        .isInstanceOfSatisfying(
                                ValidationException.class,
                                e -> assertThat(e.field()).isEqualTo("id"));
            }
            assertThatThrownBy(() -> p.management.addTenant("beta", "x".repeat(256), "karaf"))
                    .isInstanceOfSatisfying(
                            ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("description"));
            assertThat(p.management.tenants()).hasSize(2);
        }
    }

    /**
     * A tenant's quota holds when its VMs ask at the same moment: eight VMs of a tenant with a quota of three, on a
     * fleet of eight free regions, ask together, round after round; exactly three are served each round and the others
     * get TENANT_QUOTA, which is not NO_CAPACITY. Other tenants are not limited by it.
     */
    @Test
    void aTenantsQuotaHoldsUnderConcurrentRequests() throws Exception {
        try (Platform p = new Platform(folder, Map.of("attempts", 16), Platform.u250("q-", 4))) {
            p.management.addTenant("acme", "", "karaf");
            p.management.setTenantQuota("acme", Optional.of(3), "karaf");
            assertThat(p.management.tenants())
                    .filteredOn(t -> t.id().equals("acme"))
                    .singleElement()
                    .satisfies(t -> assertThat(t.maxAllocations()).contains(3));
            List<String> vms = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                vms.add(p.management
                        .registerVm("acme-" + i, LINUX, VmLocation.ANYWHERE, "acme", "karaf")
                        .vm()
                        .id());
            }
            ExecutorService pool = Executors.newFixedThreadPool(vms.size());
            try {
                for (int round = 0; round < 5; round++) {
                    java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                    List<Future<Object>> answers = new ArrayList<>();
                    for (String vm : vms) {
                        answers.add(pool.submit(() -> {
                            start.await();
                            try {
                                return p.management
                                        .request(compression(vm, null), vm)
                                        .allocation();
                            } catch (HwpException e) {
                                return e.code();
                            }
                        }));
                    }
                    start.countDown();
                    List<Allocation> served = new ArrayList<>();
                    List<Object> refused = new ArrayList<>();
                    for (Future<Object> f : answers) {
                        Object answer = f.get();
                        if (answer instanceof Allocation a) {
                            served.add(a);
                        } else {
                            refused.add(answer);
                        }
                    }
                    assertThat(served).as("round " + round).hasSize(3);
                    assertThat(refused).as("round " + round).hasSize(5).containsOnly(ErrorCode.TENANT_QUOTA);
                    if (round == 0) {
                        // Another tenant's VM is served: five regions are free.
                        String other = p.management
                                .registerVm("web", LINUX, "karaf")
                                .vm()
                                .id();
                        Allocation a = p.management
                                .request(compression(other, null), other)
                                .allocation();
                        assertThat(a.state()).isEqualTo(AllocationState.ACTIVE);
                        p.management.release(a.id(), other);
                        // A quota lowered below what the tenant holds keeps what it holds and refuses more.
                        p.management.setTenantQuota("acme", Optional.of(1), "karaf");
                        String waiting = vms.stream()
                                .filter(v ->
                                        served.stream().noneMatch(s -> s.vmId().equals(v)))
                                .findFirst()
                                .orElseThrow();
                        assertThatThrownBy(() -> p.management.request(compression(waiting, null), waiting))
                                .isInstanceOfSatisfying(HwpException.class, e -> {
                                    assertThat(e.code()).isEqualTo(ErrorCode.TENANT_QUOTA);
                                    assertThat(e.getMessage()).contains("tenant acme holds 3 allocation(s)");
                                });
                        assertThat(p.allocations.list(1000))
                                .filteredOn(x -> x.state().holdsRegion())
                                .hasSize(3);
                        p.management.setTenantQuota("acme", Optional.of(3), "karaf");
                    }
                    for (Allocation a : served) {
                        p.management.release(a.id(), a.vmId());
                    }
                }
                // Lifted, every VM of the tenant is served.
                p.management.setTenantQuota("acme", Optional.empty(), "karaf");
                for (String vm : vms) {
                    p.management.release(
                            p.management
                                    .request(compression(vm, null), vm)
                                    .allocation()
                                    .id(),
                            vm);
                }
            } finally {
                pool.shutdown();
            }
            assertThatThrownBy(() -> p.management.setTenantQuota("nobody", Optional.of(1), "karaf"))
                    .isInstanceOfSatisfying(
                            HwpException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
            assertThatThrownBy(() -> p.management.setTenantQuota("acme", Optional.of(-1), "karaf"))
                    .isInstanceOfSatisfying(
                            ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("maxAllocations"));
        }
    }

    @Test
    void requestProgramsAFreeRegionAndTheNextRequestReusesItWithoutReprogramming() throws Exception {
        try (Platform p = new Platform(folder, Map.of(), Platform.u250("pr-", 1))) {
            String vm = p.management.registerVm("web-1", LINUX, "karaf").vm().id();
            AllocationResult first = p.management.request(compression(vm, needs(40.0, 200.0, null)), "karaf");
            Allocation a = first.allocation();
            assertThat(a.state()).isEqualTo(AllocationState.ACTIVE);
            assertThat(a.personalityId()).isEqualTo(ZSTD);
            assertThat(first.derived()).isFalse();
            assertThat(first.vendor()).isEqualTo("xilinx");
            assertThat(first.reconfiguration().performed()).isTrue();
            assertThat(first.reconfiguration().durationMs()).isPositive();
            assertThat(first.driver())
                    .hasValueSatisfying(d -> assertThat(d.name()).isEqualTo("xrt-zstd"));
            assertThat(first.match().reasons()).contains("region must be programmed");
            Region held = region(p, a.deviceId(), a.regionId());
            assertThat(held.state()).isEqualTo(RegionState.ACTIVE);
            assertThat(held.loadedPersonalityId()).contains(ZSTD);

            assertThatThrownBy(() -> p.management.request(compression(vm, Requirements.NONE), "karaf"))
                    .as("one allocation per VM")
                    .hasMessageContaining("holds allocation " + a.id());

            Allocation released = p.management.release(a.id(), "karaf");
            assertThat(released.state()).isEqualTo(AllocationState.RELEASED);
            assertThat(region(p, a.deviceId(), a.regionId()).state()).isEqualTo(RegionState.FREE);
            assertThatThrownBy(() -> p.management.release(a.id(), "karaf")).hasMessageContaining("is RELEASED");
            assertThatThrownBy(() -> p.management.release(a, "karaf"))
                    .as("the allocation as read before the release: stale now")
                    .hasMessageContaining("is RELEASED now, not ACTIVE");
            assertThat(region(p, a.deviceId(), a.regionId()).state()).isEqualTo(RegionState.FREE);

            AllocationResult again = p.management.request(compression(vm, needs(40.0, 200.0, null)), "karaf");
            assertThat(again.allocation().regionKey()).isEqualTo(a.regionKey());
            assertThat(again.reconfiguration().performed())
                    .as("the region holds the image")
                    .isFalse();
            assertThat(again.match().reusesLoadedImage()).isTrue();
            assertThat(again.match().reasons()).contains("region already holds the image: no reprogramming");

            assertThat(p.events.newest(10, a.id()))
                    .extracting(HwpEvent::topic)
                    .containsExactly(
                            HwpEvent.topic("allocation", "RELEASED"),
                            HwpEvent.topic("allocation", "ACTIVE"),
                            HwpEvent.topic("allocation", "PROGRAMMING"),
                            HwpEvent.topic("allocation", "RESERVED"));
            assertThat(p.events.newest(10, again.allocation().id()))
                    .extracting(HwpEvent::topic)
                    .as("nothing to program: reserved straight to ACTIVE, in one transaction")
                    .containsExactly(HwpEvent.topic("allocation", "ACTIVE"));
            assertThat(p.management.allocations(vm, 10)).hasSize(2);
        }
    }

    /**
     * Issue 24: evicting a device drains it and moves each VM it serves to another device, make-before-break (the
     * new allocation is ACTIVE, naming the old one, before the old one is released); a VM with nowhere to go stays,
     * with why.
     */
    @Test
    void evictingADeviceMovesItsVmsElsewhereAndSaysWhichStay() throws Exception {
        try (Platform p = new Platform(folder, Map.of(), Platform.u250("pr-", 2))) {
            String vm1 = p.management.registerVm("evict-1", LINUX, "karaf").vm().id();
            String vm2 = p.management.registerVm("evict-2", LINUX, "karaf").vm().id();
            Allocation a1 = p.management
                    .request(compression(vm1, Requirements.NONE), "karaf")
                    .allocation();
            p.management.request(compression(vm2, Requirements.NONE), "karaf");
            String device = a1.deviceId();
            List<Allocation> onIt = p.allocations.activeOn(device);
            assertThat(onIt).extracting(Allocation::id).contains(a1.id());

            Eviction e = p.management.evict(device, java.time.Duration.ofSeconds(60), "karaf");
            assertThat(p.devices.device(device).orElseThrow().state()).isEqualTo(DeviceState.DRAINING);
            assertThat(e.moved().keySet())
                    .containsExactlyInAnyOrderElementsOf(
                            onIt.stream().map(Allocation::id).toList());
            assertThat(e.complete()).isTrue();
            for (Map.Entry<String, String> m : e.moved().entrySet()) {
                Allocation old = p.allocations.find(m.getKey()).orElseThrow();
                Allocation now = p.allocations.find(m.getValue()).orElseThrow();
                assertThat(old.state()).isEqualTo(AllocationState.RELEASED);
                assertThat(now.state()).isEqualTo(AllocationState.ACTIVE);
                assertThat(now.deviceId()).isNotEqualTo(device);
                assertThat(now.previousAllocationId()).contains(old.id());
                assertThat(now.vmId()).isEqualTo(old.vmId());
                assertThat(now.request()).isEqualTo(old.request());
            }
            assertThat(p.allocations.activeOn(device)).isEmpty();
            assertThat(p.events.newest(5, device))
                    .extracting(org.hwpersonality.api.event.HwpEvent::topic)
                    .contains("org/hwpersonality/device/EVICTED");

            // The other device evicted too: nowhere to go, its VMs stay, with why.
            String other = p.allocations
                    .find(e.moved().values().iterator().next())
                    .orElseThrow()
                    .deviceId();
            Eviction stuck = p.management.evict(other, java.time.Duration.ofSeconds(60), "karaf");
            assertThat(stuck.moved()).isEmpty();
            assertThat(stuck.complete()).isFalse();
            assertThat(stuck.stayed())
                    .isNotEmpty()
                    .allSatisfy((id, why) -> assertThat(why).isNotBlank());
            assertThat(p.allocations.activeOn(other))
                    .extracting(Allocation::id)
                    .containsAll(stuck.stayed().keySet());
            assertThatThrownBy(() -> p.management.evict(other, java.time.Duration.ZERO, "karaf"))
                    .isInstanceOf(org.hwpersonality.api.ValidationException.class)
                    .hasMessageContaining("deadlineSeconds");
        }
    }

    @Test
    void idsMadeInDifferentMillisecondsSortByCreation() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(Management.newId("alloc"));
            Thread.sleep(2);
        }
        assertThat(ids)
                .isSorted()
                .doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).matches("alloc-[0-9a-f]{28}"));
        long millis = Long.parseLong(ids.get(0).substring("alloc-".length(), "alloc-".length() + 12), 16);
        assertThat(Instant.ofEpochMilli(millis)).isBetween(Instant.now().minusSeconds(60), Instant.now());
    }

    @Test
    void anAdjustedMatchIsStoredAsADerivedProfileAndMatchedExactlyNextTime() throws Exception {
        Map<String, Object> steady = new java.util.HashMap<>(Platform.u250("pr-", 2));
        steady.put("noise", 0.0); // measurements without noise, to compare figures exactly
        try (Platform p = new Platform(folder, Map.of(), steady)) {
            String vm1 = p.management.registerVm("db-1", LINUX, "karaf").vm().id();
            String vm2 = p.management.registerVm("db-2", LINUX, "karaf").vm().id();
            // zstd delivers 42 GOPS at 300 MHz; 45 asked: its kernel clock goes to 325 MHz.
            Requirements fast = needs(45.0, null, null);
            AllocationResult r = p.management.request(compression(vm1, fast), "karaf");
            assertThat(r.derived()).isTrue();
            assertThat(r.match().exact()).isFalse();
            PersonalityProfile derived =
                    p.profiles.find(r.allocation().personalityId()).orElseThrow();
            assertThat(derived.origin()).isEqualTo(Origin.DERIVED);
            assertThat(derived.lineage()).hasValueSatisfying(l -> {
                assertThat(l.parentId()).isEqualTo(ZSTD);
                assertThat(l.adjustments()).isEqualTo(Map.of("kernelClockMhz", 325.0));
            });
            PerformanceFigures promised =
                    derived.workload("compression").orElseThrow().performance();
            assertThat(promised.throughputGops())
                    .as("the derived profile meets the goal")
                    .isGreaterThanOrEqualTo(45.0);
            assertThat(derived.fabric().clocks()).containsExactly(new ClockSetting("kernel", 325));
            // The clock reached the simulated card: what it measures is what the derived profile promised.
            String local =
                    p.devices.device(r.allocation().deviceId()).orElseThrow().localId();
            PerformanceFigures measured = p.sim.measure(local, r.allocation().regionId(), "compression")
                    .orElseThrow();
            assertThat(measured.throughputGops()).isCloseTo(42 * 325 / 300.0, within(1e-9));
            assertThat(measured.throughputGops()).isCloseTo(promised.throughputGops(), within(1e-9));
            assertThat(measured.latencyUs()).isCloseTo(promised.latencyUs(), within(1e-9));
            assertThat(measured.powerWatts()).isCloseTo(promised.powerWatts(), within(1e-9));
            assertThat(r.driver()).as("the parent's driver serves it").isPresent();

            AllocationResult next = p.management.request(compression(vm2, fast), "karaf");
            assertThat(next.match().exact())
                    .as("stored, the variant is an exact match")
                    .isTrue();
            assertThat(next.allocation().personalityId()).isEqualTo(derived.personalityId());
            assertThat(p.profiles.count()).as("stored once").isEqualTo(14);
        }
    }

    @Test
    void noProfileIs422AndNoFreeRegionIs503AndNothingChanges() throws Exception {
        try (Platform p = new Platform(folder, Map.of(), Platform.u250("pr-", 1))) {
            String vm1 = p.management.registerVm("a", LINUX, "karaf").vm().id();
            String vm2 = p.management.registerVm("b", LINUX, "karaf").vm().id();
            String vm3 = p.management.registerVm("c", LINUX, "karaf").vm().id();
            assertThatThrownBy(() -> p.management.request(compression(vm1, needs(100_000.0, null, null)), "karaf"))
                    .isInstanceOf(HwpException.class)
                    .hasMessageContaining("no profile, even adjusted, meets the request")
                    .hasMessageContaining("below 100000.0")
                    .extracting(e -> ((HwpException) e).code())
                    .isEqualTo(ErrorCode.NO_MATCHING_PROFILE);
            assertThatThrownBy(() -> p.management.request(
                            new PersonalityRequest(vm1, OsInfo.of("plan9", null), "compression", null), "karaf"))
                    .hasMessageContaining("no support for plan9");
            assertThatThrownBy(() -> p.management.request(compression("vm-nobody", null), "karaf"))
                    .extracting(e -> ((HwpException) e).code())
                    .isEqualTo(ErrorCode.NOT_FOUND);
            p.management.request(compression(vm1, null), "karaf");
            p.management.request(compression(vm2, null), "karaf");
            assertThatThrownBy(() -> p.management.request(compression(vm3, null), "karaf"))
                    .isInstanceOf(HwpException.class)
                    .hasMessageContaining("no FREE PARTIAL region")
                    .extracting(e -> ((HwpException) e).code())
                    .isEqualTo(ErrorCode.NO_CAPACITY);
            assertThat(p.management.allocations(vm3, 10)).isEmpty();
        }
    }

    @Test
    void aFailedProgrammingIsRolledBackAndAnotherRegionServes() throws Exception {
        Map<String, Object> faulty = new HashMap<>(Platform.u250("bad-", 1));
        faulty.put("failureProbability", 1.0);
        try (Platform p = new Platform(folder, Map.of(), faulty, Platform.u250("pr-", 1))) {
            List<Region> before = p.devices.device("node-1:bad-0").orElseThrow().regions();
            String vm = p.management.registerVm("web", LINUX, "karaf").vm().id();
            AllocationResult r = p.management.request(compression(vm, null), "karaf");
            assertThat(r.allocation().deviceId())
                    .as("bad-0 sorts first, fails, and is left")
                    .isEqualTo("node-1:pr-0");
            assertThat(p.devices.device("node-1:bad-0").orElseThrow().regions())
                    .as("the faulty card's regions are as they were")
                    .isEqualTo(before);
            List<Allocation> all = p.management.allocations(vm, 10);
            assertThat(all)
                    .filteredOn(a -> a.state() == AllocationState.FAILED)
                    .extracting(Allocation::deviceId)
                    .containsOnly("node-1:bad-0")
                    .hasSize(2);
            assertThat(all).filteredOn(a -> a.state() == AllocationState.ACTIVE).hasSize(1);
        }
    }

    @Test
    void repersonalizationKeepsWhatServesAndMovesWhatUnderDelivers() throws Exception {
        try (Platform p = new Platform(folder, Map.of(), Platform.u250("pr-", 2))) {
            String vm = p.management.registerVm("web", LINUX, "karaf").vm().id();
            Allocation first = p.management
                    .request(compression(vm, needs(10.0, null, null)), "karaf")
                    .allocation();
            String personality = first.personalityId();
            Metrics fine = new Metrics(
                    Optional.of(41.0), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Instant.now());
            AllocationResult same = p.management.repersonalize(
                    new RepersonalizationRequest(vm, fine, Optional.empty(), Optional.empty()), "vm");
            assertThat(same.changed()).isFalse();
            assertThat(same.allocation()).isEqualTo(first);
            assertThat(same.match().reasons()).containsExactly("the measured figures meet the requirements");

            Metrics slow = new Metrics(
                    Optional.of(3.0), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Instant.now());
            AllocationResult moved = p.management.repersonalize(
                    new RepersonalizationRequest(vm, slow, Optional.empty(), Optional.empty()), "vm");
            assertThat(moved.changed()).isTrue();
            assertThat(moved.allocation().personalityId())
                    .as("the one that under-delivered is left out")
                    .isNotEqualTo(personality);
            assertThat(moved.allocation().previousAllocationId()).contains(first.id());
            assertThat(moved.allocation().regionKey())
                    .as("make-before-break: another region")
                    .isNotEqualTo(first.regionKey());
            assertThat(p.management.allocation(first.id()).orElseThrow().state())
                    .isEqualTo(AllocationState.RELEASED);
            assertThat(region(p, first.deviceId(), first.regionId()).state()).isEqualTo(RegionState.FREE);

            // Another workload: a new match.
            AllocationResult database = p.management.repersonalize(
                    new RepersonalizationRequest(vm, fine, Optional.of("database-acceleration"), Optional.empty()),
                    "vm");
            assertThat(database.changed()).isTrue();
            assertThat(database.allocation().request().workload()).isEqualTo("database-acceleration");
            assertThat(p.management.allocations(vm, 10))
                    .filteredOn(a -> a.state().holdsRegion())
                    .singleElement()
                    .isEqualTo(database.allocation());
        }
    }

    @Test
    void repersonalizationInPlaceWhenNoOtherRegionIsFree() throws Exception {
        Map<String, Object> one = new HashMap<>(Platform.u250("pr-", 1));
        one.put("regions", 1);
        one.put("partial", true);
        try (Platform p = new Platform(folder, Map.of(), one)) {
            String vm = p.management.registerVm("web", LINUX, "karaf").vm().id();
            Allocation first =
                    p.management.request(compression(vm, null), "karaf").allocation();
            Metrics slow = new Metrics(
                    Optional.of(1.0), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Instant.now());
            AllocationResult moved = p.management.repersonalize(
                    new RepersonalizationRequest(vm, slow, Optional.empty(), Optional.of(needs(30.0, null, null))),
                    "vm");
            assertThat(moved.changed()).isTrue();
            assertThat(moved.allocation().regionKey()).isEqualTo(first.regionKey());
            assertThat(moved.allocation().personalityId()).isNotEqualTo(first.personalityId());
            assertThat(moved.reconfiguration().performed()).isTrue();
            assertThat(p.management.allocation(first.id()).orElseThrow().state())
                    .isEqualTo(AllocationState.RELEASED);
        }
    }

    /**
     * A programming that outlasts {@code reconcileAfterSeconds} is not taken for abandoned while this process still
     * runs it: the reconciler (here with no grace at all) leaves it, and it ends ACTIVE.
     */
    @Test
    void theReconcilerNeverFailsAProgrammingStillRunning() throws Exception {
        Map<String, Object> slow = new HashMap<>(Platform.u250("slow-", 1));
        slow.put("setupMs", 1_500L);
        try (Platform p = new Platform(folder, Map.of(), slow)) {
            String vm = p.management.registerVm("web", LINUX, "karaf").vm().id();
            ExecutorService caller = Executors.newSingleThreadExecutor();
            try {
                Future<AllocationResult> answer =
                        caller.submit(() -> p.management.request(compression(vm, null), "karaf"));
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (p.allocations.inFlight().stream().noneMatch(a -> a.state() == AllocationState.PROGRAMMING)) {
                    assertThat(System.nanoTime()).as("programming started").isLessThan(deadline);
                    Thread.sleep(5);
                }
                Reconciler reconciler = p.reconciler(java.time.Duration.ZERO);
                assertThat(reconciler.run(false)).as("nothing abandoned").isZero();
                assertThat(answer.isDone())
                        .as("still programming when the reconciler looked")
                        .isFalse();
                Allocation done =
                        answer.get(30, java.util.concurrent.TimeUnit.SECONDS).allocation();
                assertThat(done.state()).isEqualTo(AllocationState.ACTIVE);
                assertThat(p.management.allocation(done.id()).orElseThrow().state())
                        .isEqualTo(AllocationState.ACTIVE);
                assertThat(region(p, done.deviceId(), done.regionId()).state()).isEqualTo(RegionState.ACTIVE);
            } finally {
                caller.shutdownNow();
            }
        }
    }

    @Test
    void aCrashMidProgrammingIsReconciledWithWhatTheBackEndReports() throws Exception {
        try (Platform p = new Platform(folder, Map.of(), Platform.u250("pr-", 1))) {
            String vm = p.management.registerVm("web", LINUX, "karaf").vm().id();
            Region free = region(p, "node-1:pr-0", "0");
            Instant old = Instant.now().minusSeconds(600);
            Allocation reserved = new Allocation(
                    "alloc-crashed",
                    vm,
                    compression(vm, null),
                    ZSTD,
                    "node-1:pr-0",
                    "0",
                    AllocationState.RESERVED,
                    Optional.empty(),
                    Optional.empty(),
                    old,
                    old);
            p.allocations.reserve(reserved, free, Optional.empty(), "karaf");
            Region reservedRegion = region(p, "node-1:pr-0", "0");
            Region programming = Programmer.with(
                    reservedRegion,
                    RegionState.PROGRAMMING,
                    reservedRegion.loadedPersonalityId(),
                    reservedRegion.loadedImage());
            p.allocations.update(
                    reserved,
                    reserved.moveTo(AllocationState.PROGRAMMING, old),
                    Optional.of(new RegionChange(reservedRegion, programming)),
                    "karaf");
            // The process died here: nothing was programmed.
            Reconciler reconciler = p.reconciler(java.time.Duration.ofSeconds(60));
            assertThat(reconciler.run(true)).isEqualTo(1);
            assertThat(p.management.allocation("alloc-crashed").orElseThrow().state())
                    .isEqualTo(AllocationState.FAILED);
            Region after = region(p, "node-1:pr-0", "0");
            assertThat(after.state()).isEqualTo(RegionState.FREE);
            assertThat(after.loadedImage()).as("as the simulator reports it").isEqualTo(free.loadedImage());
            assertThat(reconciler.run(true)).as("nothing left").isZero();
            assertThat(p.management
                            .request(compression(vm, null), "karaf")
                            .allocation()
                            .state())
                    .isEqualTo(AllocationState.ACTIVE);
        }
    }

    /**
     * A host that was away longer than {@code reconcileAfterSeconds} finds a programming task queued for it meanwhile:
     * the reconciler leaves that PROGRAMMING allocation to the task worker (it used to fail it, racing with the
     * worker's programming of the same region), and the worker programs it.
     */
    @Test
    void anOldAllocationWhoseTaskIsQueuedIsLeftToTheTaskWorker() throws Exception {
        // The worker looks for tasks only when woken (the dispatch's own signal, or in 10 minutes).
        try (Platform p = new Platform(folder, Map.of("taskPollMillis", 600_000L), Platform.u250("pr-", 1))) {
            String vm = p.management.registerVm("web", LINUX, "karaf").vm().id();
            Region free = region(p, "node-1:pr-0", "0");
            Instant old = Instant.now().minusSeconds(600);
            Allocation reserved = new Allocation(
                    "alloc-queued",
                    vm,
                    compression(vm, null),
                    ZSTD,
                    "node-1:pr-0",
                    "0",
                    AllocationState.RESERVED,
                    Optional.empty(),
                    Optional.empty(),
                    old,
                    old);
            p.allocations.reserve(reserved, free, Optional.empty(), "karaf");
            Region reservedRegion = region(p, "node-1:pr-0", "0");
            p.allocations.dispatch(
                    reserved,
                    reserved.moveTo(AllocationState.PROGRAMMING, old),
                    new RegionChange(reservedRegion, RegionProgramming.programming(reservedRegion)),
                    "node-1",
                    "karaf");
            Reconciler reconciler = p.reconciler(java.time.Duration.ofSeconds(60));
            assertThat(reconciler.run(true)).as("nothing reconciled").isZero();
            assertThat(p.management.allocation("alloc-queued").orElseThrow().state())
                    .as("left to the task worker")
                    .isNotEqualTo(AllocationState.FAILED);

            p.signals.publish(Signals.TASK_QUEUED, "node-1");
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (p.management.allocation("alloc-queued").orElseThrow().state() != AllocationState.ACTIVE
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(p.management.allocation("alloc-queued").orElseThrow().state())
                    .isEqualTo(AllocationState.ACTIVE);
            Region after = region(p, "node-1:pr-0", "0");
            assertThat(after.state()).isEqualTo(RegionState.ACTIVE);
            assertThat(after.loadedPersonalityId()).contains(ZSTD);
        }
    }

    /**
     * The race CI met: the reconciler reads an old PROGRAMMING allocation, then the task worker programs it and finishes
     * its task (allocation ACTIVE in the same commit) before the reconciler looks at the task. The reconciler must see
     * that the allocation moved on, not try to fail it ("is ACTIVE now, not PROGRAMMING").
     */
    @Test
    void aTaskFinishedWhileTheReconcilerLooksIsNotReconciledAgain() throws Exception {
        try (Platform p = new Platform(folder, Map.of("taskPollMillis", 600_000L), Platform.u250("pr-", 1))) {
            String vm = p.management.registerVm("web", LINUX, "karaf").vm().id();
            Region free = region(p, "node-1:pr-0", "0");
            Instant old = Instant.now().minusSeconds(600);
            Allocation reserved = new Allocation(
                    "alloc-racing",
                    vm,
                    compression(vm, null),
                    ZSTD,
                    "node-1:pr-0",
                    "0",
                    AllocationState.RESERVED,
                    Optional.empty(),
                    Optional.empty(),
                    old,
                    old);
            p.allocations.reserve(reserved, free, Optional.empty(), "karaf");
            Region reservedRegion = region(p, "node-1:pr-0", "0");
            p.allocations.dispatch(
                    reserved,
                    reserved.moveTo(AllocationState.PROGRAMMING, old),
                    new RegionChange(reservedRegion, RegionProgramming.programming(reservedRegion)),
                    "node-1",
                    "karaf");
            SqlTaskRecords real = new SqlTaskRecords(p.db.database);
            // The real task records, except that the worker is woken and finishes the task just before the
            // reconciler reads it.
            TaskRecords late = (TaskRecords) Proxy.newProxyInstance(
                    TaskRecords.class.getClassLoader(), new Class<?>[] {TaskRecords.class}, (proxy, method, args) -> {
                        if (method.getName().equals("ofAllocation")) {
                            p.signals.publish(Signals.TASK_QUEUED, "node-1");
                            long deadline = System.nanoTime() + 20_000_000_000L;
                            while (p.management
                                                    .allocation("alloc-racing")
                                                    .orElseThrow()
                                                    .state()
                                            != AllocationState.ACTIVE
                                    && System.nanoTime() < deadline) {
                                Thread.sleep(20);
                            }
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            Reconciler reconciler = p.reconciler(java.time.Duration.ofSeconds(60), late);
            List<String> warnings = new ArrayList<>();
            java.util.logging.Logger log = java.util.logging.Logger.getLogger(Reconciler.class.getName());
            java.util.logging.Handler handler = new java.util.logging.Handler() {
                @Override
                public void publish(java.util.logging.LogRecord r) {
                    if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                        warnings.add(r.getMessage() + (r.getThrown() == null ? "" : ": " + r.getThrown()));
                    }
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            };
            log.addHandler(handler);
            try {
                assertThat(reconciler.run(false)).as("nothing reconciled").isZero();
            } finally {
                log.removeHandler(handler);
            }
            assertThat(warnings)
                    .as("the reconciler did not try to fail the allocation")
                    .isEmpty();
            assertThat(real.ofAllocation("alloc-racing").orElseThrow().state())
                    .as("the worker finished the task")
                    .isNotIn(ProgrammingTask.State.QUEUED, ProgrammingTask.State.CLAIMED);
            assertThat(p.management.allocation("alloc-racing").orElseThrow().state())
                    .isEqualTo(AllocationState.ACTIVE);
            assertThat(region(p, "node-1:pr-0", "0").state()).isEqualTo(RegionState.ACTIVE);
        }
    }

    /**
     * 64 threads, each a VM asking again and again, against 8 regions: every answer is an ACTIVE allocation or a
     * 503, and no region is ever held by two allocations (checked as it happens, and in the database at the end).
     */
    @Test
    void sixtyFourThreadsNeverShareARegion() throws Exception {
        try (Platform p = new Platform(folder, Map.of("attempts", 16), Platform.u250("pr-", 4))) {
            int threads = 64;
            int rounds = 4;
            List<String> vms = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                vms.add(p.management
                        .registerVm("load-" + i, LINUX, "karaf")
                        .vm()
                        .id());
            }
            Map<String, String> holders = new ConcurrentHashMap<>();
            List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
            AtomicInteger allocated = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (String vm : vms) {
                done.add(pool.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        try {
                            Allocation a = p.management
                                    .request(compression(vm, null), vm)
                                    .allocation();
                            allocated.incrementAndGet();
                            String other = holders.putIfAbsent(a.regionKey(), a.id());
                            if (other != null) {
                                violations.add(a.regionKey() + " held by " + other + " and " + a.id());
                            }
                            Thread.sleep(2);
                            holders.remove(a.regionKey(), a.id());
                            p.management.release(a.id(), vm);
                        } catch (HwpException e) {
                            if (e.code() == ErrorCode.NO_CAPACITY) {
                                refused.incrementAndGet();
                            } else {
                                violations.add(vm + ": " + e.code() + " " + e.getMessage());
                            }
                        } catch (Exception e) {
                            violations.add(vm + ": " + e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            assertThat(violations).isEmpty();
            assertThat(allocated.get() + refused.get()).isEqualTo(threads * rounds);
            assertThat(allocated.get()).as("the 8 regions were used").isGreaterThanOrEqualTo(8);
            List<Allocation> all = p.allocations.list(10_000);
            assertThat(all).filteredOn(a -> a.state().holdsRegion()).isEmpty();
            assertThat(all)
                    .filteredOn(a -> a.state() == AllocationState.RELEASED)
                    .hasSize(allocated.get());
            for (Device d : p.fleet()) {
                assertThat(d.regions()).extracting(Region::state).containsOnly(RegionState.FREE);
            }
        }
    }
}
