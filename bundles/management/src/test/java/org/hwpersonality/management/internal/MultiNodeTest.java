package org.hwpersonality.management.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationResult;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.node.Node;
import org.hwpersonality.api.node.NodeRole;
import org.hwpersonality.api.request.Metrics;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.RepersonalizationRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.store.ProgrammingTask;
import org.hwpersonality.api.vm.VmLocation;
import org.hwpersonality.repository.internal.SqlTaskRecords;
import org.hwpersonality.repository.internal.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes on one PostgreSQL database, each with its own connection pool, persistence unit, blob cache, back-end
 * registry and simulator (the images the first node stored reach the others through the database): an {@code api} node that matches, and two {@code host} nodes whose fleets have the same local device IDs.
 * The api node reserves; each host programs its own cards through tasks.
 */
class MultiNodeTest {
    private static final OsInfo LINUX = OsInfo.of("linux", "5.15.0");

    @TempDir
    Path folder;

    private static PersonalityRequest compression(String vm) {
        return new PersonalityRequest(
                vm,
                LINUX,
                "compression",
                new Requirements(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @SafeVarargs
    private Platform start(
            TestDatabase first,
            String id,
            String roles,
            Map<String, Object> management,
            Map<String, Object>... fleets) {
        Platform p =
                new Platform(TestDatabase.sameDatabaseAs(first), folder.resolve(id), id, roles, management, fleets);
        return p;
    }

    @Test
    void theApiNodeMatchesAndEachHostProgramsItsOwnCards() throws Exception {
        try (TestDatabase db = TestDatabase.postgres();
                Platform hostA = start(db, "host-a", "host", Map.of(), Platform.u250("pr-", 2));
                Platform hostB = start(db, "host-b", "host", Map.of(), Platform.u250("pr-", 2));
                Platform api = start(db, "api-1", "api", Map.of("deviceRefreshSeconds", 1L))) {
            hostA.inventory.rescan();
            hostB.inventory.rescan();
            List<Device> fleet = api.devices.devices();
            assertThat(fleet)
                    .extracting(Device::id)
                    .as("the same local IDs on two hosts, qualified by the node")
                    .contains("host-a:pr-0", "host-a:pr-1", "host-b:pr-0", "host-b:pr-1");
            assertThat(fleet)
                    .filteredOn(d -> d.localId().equals("pr-0"))
                    .extracting(Device::node)
                    .containsExactlyInAnyOrder("host-a", "host-b");
            assertThat(api.inventory.nodes()).extracting(Node::id).containsExactly("api-1", "host-a", "host-b");
            assertThat(api.inventory.nodes())
                    .filteredOn(n -> n.id().equals("api-1"))
                    .singleElement()
                    .satisfies(n -> assertThat(n.roles()).containsExactly(NodeRole.API));
            awaitIndexed(api, 8);

            assertThatThrownBy(() -> hostA.management.request(compression("vm-x"), "karaf"))
                    .as("a host-only node does not match")
                    .isInstanceOf(HwpException.class)
                    .hasMessageContaining("no api role");

            // Eight VMs at once: every free region of both hosts, programmed where the card is.
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<AllocationResult>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String vm = api.management
                        .registerVm("vm-" + i, LINUX, "karaf")
                        .vm()
                        .id();
                results.add(pool.submit(() -> api.management.request(compression(vm), "karaf")));
            }
            SqlTaskRecords tasks = new SqlTaskRecords(api.db.database);
            List<String> regions = new ArrayList<>();
            for (Future<AllocationResult> f : results) {
                Allocation a = f.get().allocation();
                assertThat(a.state()).isEqualTo(AllocationState.ACTIVE);
                regions.add(a.regionKey());
                String owner = a.deviceId().substring(0, a.deviceId().indexOf(':'));
                ProgrammingTask task = tasks.ofAllocation(a.id()).orElseThrow();
                assertThat(task.node()).isEqualTo(owner);
                assertThat(task.state()).isEqualTo(ProgrammingTask.State.DONE);
                assertThat(task.outcome().orElseThrow()).endsWith("on node " + owner);
                Platform host = owner.equals("host-a") ? hostA : hostB;
                assertThat(host.sim.discover())
                        .as("the owner's simulator holds the image")
                        .filteredOn(d -> d.id().equals(a.deviceId().substring(owner.length() + 1)))
                        .singleElement()
                        .satisfies(d -> assertThat(d.regions())
                                .filteredOn(r -> r.id().equals(a.regionId()))
                                .singleElement()
                                .satisfies(r -> assertThat(r.loadedImage()).isPresent()));
            }
            pool.shutdown();
            assertThat(regions)
                    .as("no region held twice")
                    .doesNotHaveDuplicates()
                    .hasSize(8);
        }
    }

    @Test
    void anAnswerIsPendingWhenProgrammingOutlastsTheWaitAndTheHostFinishesIt() throws Exception {
        Map<String, Object> slow = new HashMap<>(Platform.u250("slow-", 1));
        slow.put("setupMs", 1_500L);
        try (TestDatabase db = TestDatabase.postgres();
                Platform host = start(db, "host-a", "host", Map.of(), slow);
                Platform api = start(db, "api-1", "api", Map.of("programmingWaitMillis", 100L))) {
            host.inventory.rescan();
            awaitIndexed(api, 2);
            String vm = api.management.registerVm("vm", LINUX, "karaf").vm().id();
            AllocationResult pending = api.management.request(compression(vm), "karaf");
            assertThat(pending.allocation().state()).isEqualTo(AllocationState.PROGRAMMING);
            Allocation done = awaitState(api, pending.allocation().id(), AllocationState.ACTIVE);
            Region region = api.devices
                    .device(done.deviceId())
                    .orElseThrow()
                    .region(done.regionId())
                    .orElseThrow();
            assertThat(region.state()).isEqualTo(RegionState.ACTIVE);
            assertThat(region.loadedPersonalityId()).contains(done.personalityId());
        }
    }

    @Test
    void aNodeWhoseLeaseRunsOutHasItsDevicesOfflineUntilItReturns() throws Exception {
        try (TestDatabase db = TestDatabase.postgres();
                Platform api = start(db, "api-1", "api,host", Map.of(), Platform.u250("pr-", 1))) {
            Platform hostB = start(db, "host-b", "host", Map.of(), Platform.u250("pr-", 1));
            hostB.inventory.rescan();
            assertThat(api.devices.device("host-b:pr-0").orElseThrow().state()).isEqualTo(DeviceState.ONLINE);
            hostB.close(); // its heartbeat stops; its lease (10 s) runs out
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (api.devices.device("host-b:pr-0").orElseThrow().state() != DeviceState.OFFLINE
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(api.devices.device("host-b:pr-0").orElseThrow().state()).isEqualTo(DeviceState.OFFLINE);
            assertThat(api.devices.device("api-1:pr-0").orElseThrow().state())
                    .as("a live node's devices stay")
                    .isEqualTo(DeviceState.ONLINE);
            try (Platform back = start(db, "host-b", "host", Map.of(), Platform.u250("pr-", 1))) {
                back.inventory.rescan();
                assertThat(api.devices.device("host-b:pr-0").orElseThrow().state())
                        .as("back with its node")
                        .isEqualTo(DeviceState.ONLINE);
            }
        }
    }

    /**
     * Bring-up yields to requests of every node: an api node's request that finds the only region in a bring-up
     * programming on a host waits for that programming (the host says when it ends), not a refusal, and the host
     * keeps quiet after it (the api node asked for quiet).
     */
    @Test
    void anApiNodesRequestWaitsForABringUpProgrammingOnAHostAndTheHostKeepsQuiet() throws Exception {
        Map<String, Object> bringUp = Map.of("bringUp", BringUpTest.PLAN, "backgroundQuietSeconds", 5L);
        try (TestDatabase db = TestDatabase.postgres();
                Platform api = start(db, "api-1", "api", Map.of("deviceRefreshSeconds", 1L));
                Platform host = start(db, "host-a", "host", bringUp)) {
            String vm = api.management.registerVm("vm", LINUX, "karaf").vm().id();
            host.sim.bindFleet(new org.hwpersonality.backend.sim.internal.SimFleet(Platform.config(
                    org.hwpersonality.backend.sim.internal.SimFleet.Config.class, BringUpTest.oneRegion())));
            host.inventory.rescan(); // a new card: bring-up starts on its only region
            String device = host.inventory.devices().get(0).id();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!host.inventory
                            .bringUp(device)
                            .orElse("")
                            .contains("characterizing " + BringUpTest.ZSTD.substring(0, 12))
                    || api.devices.device(device).orElseThrow().regions().get(0).state() != RegionState.PROGRAMMING) {
                assertThat(System.nanoTime())
                        .as("bring-up programs the region within 60 s")
                        .isLessThan(deadline);
                Thread.sleep(20);
            }

            long t0 = System.nanoTime();
            AllocationResult served = api.management.request(compression(vm), "karaf");
            BringUpTest.assertServedAfterOneProgramming("the api node's request", served, t0, host.inventory, device);

            // Released within the host's quiet time (the api node asked for it): nothing starts before it ends.
            api.management.release(served.allocation().id(), "karaf");
            Thread.sleep(1_000);
            assertThat(host.inventory.bringUp(device)).contains("1 of 2 image(s) characterized");
            deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!host.inventory.bringUp(device).orElse("").startsWith("2 of 2 image(s) characterized")) {
                assertThat(System.nanoTime())
                        .as("the second image after the quiet time")
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    @Test
    void cardsAHostReportsAreMatchedAtOnceNotAtTheNextFleetRefresh() throws Exception {
        try (TestDatabase db = TestDatabase.postgres();
                Platform api = start(db, "api-1", "api", Map.of("deviceRefreshSeconds", 3600L));
                Platform host = start(db, "host-a", "host", Map.of(), Platform.u250("pr-", 1))) {
            host.inventory.rescan(); // the host's back end reports its card: a signal tells the api node
            String vm = api.management.registerVm("vm", LINUX, "karaf").vm().id();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            AllocationResult r = null;
            while (r == null && System.nanoTime() < deadline) {
                try {
                    r = api.management.request(compression(vm), "karaf");
                } catch (HwpException e) {
                    Thread.sleep(100); // NO_CAPACITY until the signal's refresh has run
                }
            }
            assertThat(r)
                    .as("matched within 10 s, the fleet refresh being an hour away")
                    .isNotNull();
            assertThat(r.allocation().deviceId()).startsWith("host-a:");
        }
    }

    @Test
    void aVmOnAHostIsGivenOnlyThatHostsDevicesAndItsHostMustBeAHostNode() throws Exception {
        try (TestDatabase db = TestDatabase.postgres();
                Platform hostA = start(db, "host-a", "host", Map.of(), Platform.u250("pr-", 2));
                Platform hostB = start(db, "host-b", "host", Map.of(), Platform.u250("pr-", 1));
                Platform api = start(db, "api-1", "api", Map.of("deviceRefreshSeconds", 1L))) {
            hostA.inventory.rescan();
            hostB.inventory.rescan();
            awaitIndexed(api, 3);

            // Host B has one card with two regions: two VMs on host B get them, a third is refused naming host B,
            // although host A still has four free regions.
            List<String> onB = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                onB.add(api.management
                        .registerVm("b-" + i, LINUX, VmLocation.of("host-b", "instance-b" + i), "karaf")
                        .vm()
                        .id());
            }
            for (int i = 0; i < 2; i++) {
                Allocation a =
                        api.management.request(compression(onB.get(i)), "karaf").allocation();
                assertThat(a.deviceId()).startsWith("host-b:");
                assertThat(a.state()).isEqualTo(AllocationState.ACTIVE);
            }
            assertThatThrownBy(() -> api.management.request(compression(onB.get(2)), "karaf"))
                    .isInstanceOf(HwpException.class)
                    .hasMessageContaining("no compatible region is free on host host-b")
                    .satisfies(e -> assertThat(((HwpException) e).code()).isEqualTo(ErrorCode.NO_CAPACITY));

            // Migrated to host A, the same VM is served there.
            assertThat(api.management
                            .moveVm(onB.get(2), VmLocation.of("host-a", "instance-b2"), "karaf")
                            .location()
                            .host())
                    .contains("host-a");
            assertThat(api.management
                            .request(compression(onB.get(2)), "karaf")
                            .allocation()
                            .deviceId())
                    .startsWith("host-a:");

            // A re-personalization of a VM on host B stays on host B (no region free there: in place or unchanged).
            AllocationResult again = api.management.repersonalize(
                    new RepersonalizationRequest(
                            onB.get(0),
                            new Metrics(
                                    Optional.of(1.0),
                                    Optional.empty(),
                                    Optional.empty(),
                                    Optional.empty(),
                                    Map.of(),
                                    java.time.Instant.now()),
                            Optional.empty(),
                            Optional.of(new Requirements(
                                    Optional.of(40.0), Optional.empty(), Optional.empty(), Optional.empty()))),
                    "karaf");
            assertThat(again.allocation().deviceId()).startsWith("host-b:");

            // The host must be a node with the host role; nothing is registered otherwise.
            int before = api.management.vms().size();
            assertThatThrownBy(() -> api.management.registerVm("x", LINUX, VmLocation.of("host-z", null), "karaf"))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageContaining("host")
                    .hasMessageContaining("not a node of this installation: host-z");
            assertThatThrownBy(() -> api.management.registerVm("x", LINUX, VmLocation.of("api-1", null), "karaf"))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageContaining("api-1 has no host role");
            assertThatThrownBy(() -> api.management.moveVm(onB.get(1), VmLocation.of("host-z", null), "karaf"))
                    .isInstanceOf(ValidationException.class);
            assertThat(api.management.vms()).hasSize(before);
            assertThat(api.management.vm(onB.get(1)).orElseThrow().location().host())
                    .contains("host-b");
        }
    }

    /**
     * Issue 19 across nodes: the api node matches a VM with a domain to a host's card; the host programs and attaches
     * by its task (even a region that holds the image), and detaches and frees by a release task; a failed attach on
     * the host leaves nothing attached and the api node tries the next region.
     */
    @Test
    void theHostAttachesAndDetachesWhatAnApiNodeAllocated() throws Exception {
        org.hwpersonality.attach.libvirt.internal.RecordingVirsh virsh =
                new org.hwpersonality.attach.libvirt.internal.RecordingVirsh(folder.resolve("virsh"));
        Path hypervisor = org.hwpersonality.attach.libvirt.internal.RecordingVirsh.node(
                folder.resolve("node.xml"), List.of("guest-1"), List.of());
        org.hwpersonality.attach.libvirt.internal.LibvirtAttachment libvirt =
                new org.hwpersonality.attach.libvirt.internal.LibvirtAttachment(Platform.config(
                        org.hwpersonality.attach.libvirt.internal.LibvirtAttachment.Config.class,
                        Map.of(
                                "virsh_path",
                                virsh.script.toString(),
                                "connection_uri",
                                "test://" + hypervisor,
                                "release_wait_ms",
                                600L)));
        try (TestDatabase db = TestDatabase.postgres();
                Platform host = start(db, "host-b", "host", Map.of(), Platform.u250("pr-", 1));
                Platform api = start(db, "api-1", "api", Map.of("deviceRefreshSeconds", 1L))) {
            host.management.bindAttachment(libvirt);
            host.inventory.rescan();
            awaitIndexed(api, 1);
            String vm = api.management
                    .registerVm("guest-1", LINUX, VmLocation.of("host-b", "guest-1"), "karaf")
                    .vm()
                    .id();

            Allocation a = api.management.request(compression(vm), "karaf").allocation();
            assertThat(a.state()).isEqualTo(AllocationState.ACTIVE);
            assertThat(a.deviceId()).startsWith("host-b:");
            org.hwpersonality.api.device.PciAddress f = host.devices
                    .device(a.deviceId())
                    .orElseThrow()
                    .region(a.regionId())
                    .orElseThrow()
                    .guestFunction()
                    .orElseThrow();
            assertThat(libvirt.attached("guest-1", f))
                    .as("attached by host-b's task")
                    .isTrue();
            assertThat(new SqlTaskRecords(api.db.database)
                            .ofAllocation(a.id())
                            .orElseThrow()
                            .outcome()
                            .orElseThrow())
                    .contains("on node host-b, attached " + f + " in libvirt domain guest-1");

            Allocation released = api.management.release(a.id(), "karaf");
            assertThat(released.state()).as("freed by host-b's release task").isEqualTo(AllocationState.RELEASED);
            assertThat(libvirt.attached("guest-1", f)).isFalse();
            assertThat(virsh.calls())
                    .filteredOn(c -> c.startsWith("attach-device") || c.startsWith("detach-device"))
                    .containsExactly(
                            "attach-device --domain guest-1 --file F --live",
                            "detach-device --domain guest-1 --file F --live");
            Region free = host.devices
                    .device(a.deviceId())
                    .orElseThrow()
                    .region(a.regionId())
                    .orElseThrow();
            assertThat(free.state()).isEqualTo(RegionState.FREE);
            assertThat(free.loadedPersonalityId()).as("its image kept").contains(a.personalityId());

            // The region holds the image: the host attaches it all the same (a task, no shortcut on the api node).
            Allocation again = api.management.request(compression(vm), "karaf").allocation();
            assertThat(again.regionKey()).isEqualTo(a.regionKey());
            assertThat(libvirt.attached("guest-1", f)).isTrue();
            api.management.release(again.id(), "karaf");

            // A failed attach on the host: the allocation FAILED, the region FREE, nothing attached; the other region.
            virsh.refuse(
                    "attach", "error: unsupported configuration: host doesn't support passthrough of host PCI devices");
            assertThatThrownBy(() -> api.management.request(compression(vm), "karaf"))
                    .isInstanceOf(HwpException.class)
                    .hasMessageContaining("attaching failed")
                    .hasMessageContaining("host doesn't support passthrough of host PCI devices");
            assertThat(host.devices.devices())
                    .flatExtracting(Device::regions)
                    .extracting(Region::state)
                    .containsOnly(RegionState.FREE);
            assertThat(api.management.allocations(vm, 10))
                    .filteredOn(x -> x.state() == AllocationState.FAILED)
                    .hasSize(2);
        }
    }

    @Test
    void aSecondProcessWithALiveNodeIdIsRefused() throws Exception {
        try (TestDatabase db = TestDatabase.postgres();
                Platform api = start(db, "node-x", "api", Map.of())) {
            assertThatThrownBy(() -> start(db, "node-x", "api", Map.of()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("node ID 'node-x' is in use by a running process");
        }
    }

    private static void awaitIndexed(Platform api, int devices) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (api.management.isReady() && api.devices.devices().size() < devices && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        api.management.refreshFleet();
    }

    private static Allocation awaitState(Platform p, String id, AllocationState state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Allocation a = p.management.allocation(id).orElseThrow();
        while (a.state() != state && System.nanoTime() < deadline) {
            Thread.sleep(100);
            a = p.management.allocation(id).orElseThrow();
        }
        assertThat(a.state()).isEqualTo(state);
        return a;
    }
}
