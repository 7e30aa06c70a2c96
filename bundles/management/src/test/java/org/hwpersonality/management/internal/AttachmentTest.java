package org.hwpersonality.management.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationResult;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.device.PciAddress;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.request.Metrics;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.RepersonalizationRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.vm.VmLocation;
import org.hwpersonality.attach.libvirt.internal.LibvirtAttachment;
import org.hwpersonality.attach.libvirt.internal.RecordingVirsh;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: the accelerator reaches the VM. The platform as Karaf wires it (Derby, the simulator) with the libvirt
 * attachment bound, virsh run against libvirt's test driver and hot-plug recorded by the stand-in (the test driver
 * has none). Checks the order of the plugs and the exact XML: allocate, then attach; release, detach first;
 * re-personalize, attach the new, then detach the old; a failed attach releases the region and leaves nothing
 * attached; a crash while attaching is rolled back.
 */
class AttachmentTest {
    private static final OsInfo LINUX = OsInfo.of("linux", "5.15.0");

    @TempDir
    Path folder;

    private RecordingVirsh virsh;
    private Path node;
    private LibvirtAttachment libvirt;

    @BeforeEach
    void hypervisor() throws Exception {
        virsh = new RecordingVirsh(folder.resolve("virsh"));
        node = RecordingVirsh.node(folder.resolve("node.xml"), List.of("vm-a", "vm-b"), List.of("vm-off"));
        libvirt = new LibvirtAttachment(Platform.config(
                LibvirtAttachment.Config.class,
                Map.of(
                        "virsh_path",
                        virsh.script.toString(),
                        "connection_uri",
                        "test://" + node,
                        "release_wait_ms",
                        600L)));
    }

    private Platform platform(int cards) throws Exception {
        return platform(cards, Map.of());
    }

    private Platform platform(int cards, Map<String, Object> management) throws Exception {
        Platform p = new Platform(folder.resolve("karaf"), management, Platform.u250("pr-", cards));
        p.management.bindAttachment(libvirt);
        return p;
    }

    private static PersonalityRequest compression(String vm, Double minThroughput) {
        return new PersonalityRequest(
                vm,
                LINUX,
                "compression",
                new Requirements(
                        Optional.ofNullable(minThroughput), Optional.empty(), Optional.empty(), Optional.empty()));
    }

    private static String vmIn(Platform p, String domain) {
        return p.management
                .registerVm("web-" + domain, LINUX, VmLocation.of(null, domain), "karaf")
                .vm()
                .id();
    }

    private static PciAddress function(Platform p, Allocation a) {
        return region(p, a).guestFunction().orElseThrow();
    }

    private static Region region(Platform p, Allocation a) {
        return p.devices.device(a.deviceId()).orElseThrow().region(a.regionId()).orElseThrow();
    }

    private static String hostdev(PciAddress f) {
        return String.format("""
                <hostdev mode='subsystem' type='pci' managed='yes'>
                  <source>
                    <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>
                  </source>
                </hostdev>
                """, f.domain(), f.bus(), f.slot(), f.function());
    }

    /** The allocation's states as its audit trail has them, oldest first. */
    private static List<String> trail(Platform p, Allocation a) {
        List<HwpEvent> newest = new java.util.ArrayList<>(p.events.newest(20, a.id()));
        java.util.Collections.reverse(newest);
        return newest.stream()
                .map(HwpEvent::topic)
                .map(t -> t.substring(t.lastIndexOf('/') + 1))
                .toList();
    }

    @Test
    void anAllocationIsActiveOnlyOnceAttachedAndIsDetachedBeforeItsRegionIsFreed() throws Exception {
        try (Platform p = platform(1)) {
            String vm = vmIn(p, "vm-a");
            Allocation a = p.management.request(compression(vm, 10.0), "karaf").allocation();
            assertThat(a.state()).isEqualTo(AllocationState.ACTIVE);
            PciAddress f = function(p, a);

            assertThat(virsh.calls())
                    .containsExactly(
                            "domstate --domain vm-a", // the registration: the domain exists
                            "domstate --domain vm-a", // running?
                            "dumpxml --domain vm-a", // not attached yet?
                            "attach-device --domain vm-a --file F --live");
            assertThat(virsh.files()).isEqualTo("--- attach-device vm-a\n" + hostdev(f));
            assertThat(libvirt.attached("vm-a", f)).isTrue();
            assertThat(trail(p, a)).containsSubsequence("PROGRAMMING", "ATTACHING", "ACTIVE");

            int mark = virsh.calls().size();
            p.management.release(a.id(), "karaf");
            assertThat(virsh.calls().subList(mark, virsh.calls().size()))
                    .as("detached, and checked gone, before the region is freed")
                    .containsExactly("detach-device --domain vm-a --file F --live", "dumpxml --domain vm-a");
            assertThat(virsh.files()).endsWith("--- detach-device vm-a\n" + hostdev(f));
            assertThat(libvirt.attached("vm-a", f)).isFalse();
            assertThat(trail(p, a)).containsSubsequence("ACTIVE", "RELEASING", "DETACHED", "RELEASED");
            assertThat(region(p, a).state()).isEqualTo(RegionState.FREE);
            assertThat(region(p, a).loadedImage()).as("kept for reuse").isPresent();
            assertThat(p.events.newest(5, a.id()))
                    .filteredOn(e -> e.topic().endsWith("/DETACHED"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.details())
                            .containsEntry("outcome", "DETACHED")
                            .containsEntry("function", f.toString())
                            .containsEntry("domain", "vm-a"));

            // The region holds the image now: the next VM gets it without programming, attached all the same.
            String other = vmIn(p, "vm-b");
            AllocationResult reused = p.management.request(compression(other, 10.0), "karaf");
            assertThat(reused.reconfiguration().performed()).isFalse();
            assertThat(reused.allocation().state()).isEqualTo(AllocationState.ACTIVE);
            assertThat(trail(p, reused.allocation())).containsSubsequence("ATTACHING", "ACTIVE");
            assertThat(libvirt.attached("vm-b", function(p, reused.allocation())))
                    .isTrue();
        }
    }

    @Test
    void aRepersonalizationAttachesTheNewRegionBeforeItDetachesTheOld() throws Exception {
        try (Platform p = platform(2)) {
            String vm = vmIn(p, "vm-a");
            Allocation first =
                    p.management.request(compression(vm, 10.0), "karaf").allocation();
            PciAddress old = function(p, first);
            int before = virsh.calls().size();

            Metrics slow = new Metrics(
                    Optional.of(3.0), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Instant.now());
            Allocation next = p.management
                    .repersonalize(new RepersonalizationRequest(vm, slow, Optional.empty(), Optional.empty()), "vm")
                    .allocation();
            assertThat(next.regionKey()).isNotEqualTo(first.regionKey());
            PciAddress now = function(p, next);
            List<String> plugs = virsh.calls().subList(before, virsh.calls().size()).stream()
                    .filter(c -> c.startsWith("attach-device") || c.startsWith("detach-device"))
                    .toList();
            assertThat(plugs)
                    .as("make-before-break")
                    .containsExactly(
                            "attach-device --domain vm-a --file F --live",
                            "detach-device --domain vm-a --file F --live");
            assertThat(virsh.files())
                    .endsWith("--- attach-device vm-a\n" + hostdev(now) + "--- detach-device vm-a\n" + hostdev(old));
            assertThat(libvirt.attached("vm-a", now)).isTrue();
            assertThat(libvirt.attached("vm-a", old)).isFalse();
            assertThat(p.management.allocation(first.id()).orElseThrow().state())
                    .isEqualTo(AllocationState.RELEASED);
        }
    }

    /**
     * Several accelerators per VM: one allocation per slot, each attached on its own, at most maxAllocationsPerVm;
     * a re-personalization acts on the slot it names and leaves the others attached.
     */
    @Test
    void aVmHoldsOneAcceleratorPerSlotEachAttachedAndARepersonalizationActsOnOne() throws Exception {
        try (Platform p = platform(2, Map.of("maxAllocationsPerVm", 2))) {
            String vm = vmIn(p, "vm-a");
            Allocation compression = p.management
                    .request(
                            new PersonalityRequest(
                                    vm,
                                    LINUX,
                                    "compression",
                                    compression(vm, 10.0).requirements(),
                                    "compression"),
                            "vm")
                    .allocation();
            Allocation database = p.management
                    .request(
                            new PersonalityRequest(
                                    vm,
                                    LINUX,
                                    "database-acceleration",
                                    new Requirements(
                                            Optional.of(50.0), Optional.empty(), Optional.empty(), Optional.empty()),
                                    "database"),
                            "vm")
                    .allocation();
            assertThat(List.of(compression.state(), database.state())).containsOnly(AllocationState.ACTIVE);
            assertThat(compression.regionKey()).isNotEqualTo(database.regionKey());
            assertThat(compression.request().slot()).isEqualTo("compression");
            assertThat(libvirt.attached("vm-a", function(p, compression))).isTrue();
            assertThat(libvirt.attached("vm-a", function(p, database))).isTrue();

            assertThatThrownBy(() -> p.management.request(
                            new PersonalityRequest(vm, LINUX, "compression", Requirements.NONE, "compression"), "vm"))
                    .isInstanceOf(HwpException.class)
                    .hasMessageContaining("in slot compression already");
            assertThatThrownBy(() -> p.management.request(compression(vm, 10.0), "vm"))
                    .as("a third slot, over the limit of 2")
                    .isInstanceOf(HwpException.class)
                    .hasMessageContaining("the most one VM may hold");
            assertThatThrownBy(() -> p.management.request(
                            new PersonalityRequest(vm, LINUX, "compression", Requirements.NONE, "Bad Slot"), "vm"))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageStartingWith("slot: ");

            Metrics slow = new Metrics(
                    Optional.of(3.0), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Instant.now());
            assertThatThrownBy(() -> p.management.repersonalize(
                            new RepersonalizationRequest(vm, slow, Optional.empty(), Optional.empty()), "vm"))
                    .isInstanceOf(HwpException.class)
                    .hasMessageContaining("name the slot to re-personalize (compression, database)");
            Allocation moved = p.management
                    .repersonalize(
                            new RepersonalizationRequest(
                                    vm, slow, Optional.empty(), Optional.empty(), Optional.of("compression")),
                            "vm")
                    .allocation();
            assertThat(moved.previousAllocationId()).contains(compression.id());
            assertThat(moved.request().slot()).isEqualTo("compression");
            assertThat(libvirt.attached("vm-a", function(p, moved))).isTrue();
            assertThat(libvirt.attached("vm-a", function(p, compression))).isFalse();
            assertThat(p.management.allocation(database.id()).orElseThrow().state())
                    .as("the other slot is untouched")
                    .isEqualTo(AllocationState.ACTIVE);
            assertThat(libvirt.attached("vm-a", function(p, database))).isTrue();
        }
    }

    @Test
    void aFailedAttachReleasesTheRegionTriesTheNextAndLeavesNothingAttached() throws Exception {
        try (Platform p = platform(2)) {
            // Another domain holds the first region's function: that region is skipped, the next one is attached.
            String holder = vmIn(p, "vm-b");
            Allocation held =
                    p.management.request(compression(holder, 10.0), "karaf").allocation();
            p.management.release(held.id(), "karaf");
            PciAddress busy = function(p, held);
            libvirt.attach("vm-b", busy); // left in vm-b (an operator's own passthrough, say)

            String vm = vmIn(p, "vm-a");
            Allocation a = p.management.request(compression(vm, 10.0), "karaf").allocation();
            assertThat(a.regionKey()).isNotEqualTo(held.regionKey());
            assertThat(libvirt.attached("vm-a", function(p, a))).isTrue();
            assertThat(libvirt.attached("vm-a", busy)).isFalse();
            Allocation refused = p.management.allocations(vm, 10).stream()
                    .filter(x -> x.regionKey().equals(held.regionKey()))
                    .findFirst()
                    .orElseThrow();
            assertThat(refused.state()).isEqualTo(AllocationState.FAILED);
            assertThat(region(p, refused).state()).as("released, image kept").isEqualTo(RegionState.FREE);
            assertThat(region(p, refused).loadedImage()).isPresent();
            p.management.release(a.id(), "karaf");

            // The host cannot pass functions through at all: every region fails, the answer says why.
            virsh.refuse(
                    "attach", "error: unsupported configuration: host doesn't support passthrough of host PCI devices");
            String third = vmIn(p, "vm-a");
            assertThatThrownBy(() -> p.management.request(compression(third, 10.0), "karaf"))
                    .isInstanceOf(HwpException.class)
                    .hasMessageContaining("host doesn't support passthrough of host PCI devices");
            assertThat(p.management.allocations(third, 10))
                    .isNotEmpty()
                    .allSatisfy(x -> assertThat(x.state()).isEqualTo(AllocationState.FAILED));
            assertThat(p.devices.devices())
                    .flatExtracting(d -> d.regions())
                    .extracting(Region::state)
                    .containsOnly(RegionState.FREE);
            for (Allocation x : p.management.allocations(third, 10)) {
                assertThat(libvirt.attached("vm-a", function(p, x))).isFalse();
            }
        }
    }

    @Test
    void theVmsDomainIsCheckedAndAVanishedOneDoesNotStopTheRelease() throws Exception {
        try (Platform p = platform(1)) {
            int before = p.management.vms().size();
            assertThatThrownBy(() -> vmIn(p, "vm-nosuch"))
                    .isInstanceOf(ValidationException.class)
                    .hasMessage("domain: libvirt on node node-1 knows no domain vm-nosuch");
            assertThat(p.management.vms()).hasSize(before);

            // Shut off: the request is refused naming it, and nothing is left allocated.
            String off = vmIn(p, "vm-off");
            assertThatThrownBy(() -> p.management.request(compression(off, 10.0), "karaf"))
                    .isInstanceOf(HwpException.class)
                    .hasMessageContaining("domain vm-off is shut off");
            assertThat(p.devices.devices())
                    .flatExtracting(d -> d.regions())
                    .extracting(Region::state)
                    .containsOnly(RegionState.FREE);

            String vm = vmIn(p, "vm-b");
            Allocation a = p.management.request(compression(vm, 10.0), "karaf").allocation();
            // The VM is destroyed: its domain is gone from the hypervisor before HWP releases its region.
            RecordingVirsh.node(node, List.of("vm-a"), List.of("vm-off"));
            Allocation released = p.management.release(a.id(), "karaf");
            assertThat(released.state()).isEqualTo(AllocationState.RELEASED);
            assertThat(region(p, a).state()).isEqualTo(RegionState.FREE);
            assertThat(p.events.newest(5, a.id()))
                    .filteredOn(e -> e.topic().endsWith("/DETACHED"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.details())
                            .containsEntry("outcome", "DOMAIN_GONE")
                            .containsKey("note"));
        }
    }

    /** A detach libvirt refuses keeps the region from the next VM: RELEASING until the reconciler's detach works. */
    @Test
    void aDetachThatFailsLeavesTheAllocationReleasingUntilTheReconcilerDetaches() throws Exception {
        try (Platform p = platform(1)) {
            String vm = vmIn(p, "vm-a");
            Allocation a = p.management.request(compression(vm, 10.0), "karaf").allocation();
            PciAddress f = function(p, a);
            virsh.refuse("detach", "error: internal error: unable to execute QEMU command 'device_del': Device busy");
            assertThatThrownBy(() -> p.management.release(a.id(), "karaf"))
                    .isInstanceOf(HwpException.class)
                    .hasMessageContaining("unable to execute QEMU command 'device_del'");
            assertThat(p.management.allocation(a.id()).orElseThrow().state()).isEqualTo(AllocationState.RELEASING);
            assertThat(region(p, a).state()).as("not offered to another VM").isEqualTo(RegionState.ACTIVE);
            assertThat(libvirt.attached("vm-a", f)).isTrue();

            assertThat(p.reconciler(java.time.Duration.ZERO).run(false))
                    .as("the detach still fails: left as it is")
                    .isZero();
            virsh.accept("detach");
            assertThat(p.reconciler(java.time.Duration.ZERO).run(false)).isEqualTo(1);
            assertThat(p.management.allocation(a.id()).orElseThrow().state()).isEqualTo(AllocationState.RELEASED);
            assertThat(region(p, a).state()).isEqualTo(RegionState.FREE);
            assertThat(libvirt.attached("vm-a", f)).isFalse();
        }
    }

    @Test
    void aCrashWhileAttachingIsRolledBackAndACrashWhileReleasingIsFinished() throws Exception {
        try (Platform p = platform(1)) {
            String vm = vmIn(p, "vm-a");
            // Program the region once so that it holds the image, then free it.
            Allocation first =
                    p.management.request(compression(vm, 10.0), "karaf").allocation();
            p.management.release(first.id(), "karaf");
            Region free = region(p, first);
            PciAddress f = free.guestFunction().orElseThrow();

            // A process reserved it straight to ATTACHING, plugged the function, and died before ACTIVE.
            Instant old = Instant.now().minusSeconds(600);
            Allocation attaching = new Allocation(
                    "alloc-attaching",
                    vm,
                    compression(vm, 10.0),
                    first.personalityId(),
                    first.deviceId(),
                    first.regionId(),
                    AllocationState.ATTACHING,
                    first.driverPackageId(),
                    Optional.empty(),
                    old,
                    old);
            p.allocations.reserve(attaching, free, Optional.empty(), "karaf");
            libvirt.attach("vm-a", f);

            Reconciler reconciler = p.reconciler(java.time.Duration.ofSeconds(60));
            assertThat(reconciler.run(false)).isEqualTo(1);
            assertThat(p.management.allocation("alloc-attaching").orElseThrow().state())
                    .isEqualTo(AllocationState.FAILED);
            assertThat(libvirt.attached("vm-a", f)).as("rolled back: unplugged").isFalse();
            assertThat(region(p, first).state()).isEqualTo(RegionState.FREE);
            assertThat(region(p, first).loadedImage()).isEqualTo(free.loadedImage());

            // A release that died after RELEASING was written, before the detach: the reconciler detaches and frees.
            Allocation active =
                    p.management.request(compression(vm, 10.0), "karaf").allocation();
            Region activeRegion = region(p, active);
            p.allocations.update(
                    active, active.moveTo(AllocationState.RELEASING, Instant.now()), Optional.empty(), "karaf");
            assertThat(libvirt.attached("vm-a", f)).isTrue();
            Reconciler later = p.reconciler(java.time.Duration.ZERO);
            assertThat(later.run(false)).isEqualTo(1);
            assertThat(p.management.allocation(active.id()).orElseThrow().state())
                    .isEqualTo(AllocationState.RELEASED);
            assertThat(libvirt.attached("vm-a", f)).isFalse();
            assertThat(region(p, active).state()).isEqualTo(RegionState.FREE);
        }
    }
}
