package org.hwpersonality.attach.libvirt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hwpersonality.api.attach.Attachment.Detached;
import org.hwpersonality.api.attach.AttachmentException;
import org.hwpersonality.api.attach.AttachmentException.Kind;
import org.hwpersonality.api.device.PciAddress;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The libvirt attachment against libvirt's own test driver (a node file with two running domains and a shut-off
 * one) through the real virsh, with hot-plug recorded by {@link RecordingVirsh}, as the test driver has none.
 */
class LibvirtAttachmentTest {
    /** An Alveo U250's user function, as xbutil lists it. */
    private static final PciAddress USER_FUNCTION = new PciAddress(0, 0x3b, 0, 1);

    @TempDir
    Path dir;

    private RecordingVirsh virsh;
    private LibvirtAttachment libvirt;

    @BeforeEach
    void start() throws IOException {
        assertThat(RecordingVirsh.REAL)
                .as("libvirt's virsh (Debian: apt-get install libvirt-clients)")
                .isExecutable();
        // libvirt's test-driver node file: vm-a and vm-b running, vm-off shut off
        Path node = RecordingVirsh.node(dir.resolve("node.xml"), List.of("vm-a", "vm-b"), List.of("vm-off"));
        virsh = new RecordingVirsh(dir.resolve("virsh"));
        libvirt = new LibvirtAttachment(virsh.script, "test://" + node, Duration.ofSeconds(20), Duration.ofMillis(600));
    }

    @Test
    void domainsAreFoundByNameOrUuidThroughTheRealVirsh() throws IOException {
        assertThat(libvirt.hasDomain("vm-a")).isTrue();
        assertThat(libvirt.hasDomain("4dea22b3-1d52-d8f3-2516-782e98ab0002"))
                .as("vm-off by UUID")
                .isTrue();
        assertThat(libvirt.hasDomain("nosuch")).isFalse();
        assertThat(libvirt.hypervisor()).isEqualTo("libvirt");
        assertThat(Files.readString(virsh.dir.resolve("locale")).strip())
                .as("virsh runs in the C locale, whose messages are read")
                .isEqualTo("C");
    }

    @Test
    void attachHotPlugsTheFunctionWithExactlyThisXmlAndOnceOnly() throws IOException {
        libvirt.attach("vm-a", USER_FUNCTION);

        assertThat(virsh.calls())
                .containsExactly(
                        "domstate --domain vm-a",
                        "dumpxml --domain vm-a",
                        "attach-device --domain vm-a --file F --live");
        assertThat(virsh.files()).isEqualTo("""
                        --- attach-device vm-a
                        <hostdev mode='subsystem' type='pci' managed='yes'>
                          <source>
                            <address domain='0x0000' bus='0x3b' slot='0x00' function='0x1'/>
                          </source>
                        </hostdev>
                        """);
        assertThat(libvirt.attached("vm-a", USER_FUNCTION))
                .as("in the live XML")
                .isTrue();
        assertThat(libvirt.attached("vm-b", USER_FUNCTION)).isFalse();

        // Again (a retry after a crash): the domain has it, nothing is plugged twice.
        libvirt.attach("vm-a", USER_FUNCTION);
        assertThat(virsh.calls()).filteredOn(c -> c.startsWith("attach-device")).hasSize(1);
    }

    @Test
    void detachUnplugsAndWaitsUntilTheLiveXmlNoLongerHasIt() throws IOException {
        libvirt.attach("vm-a", USER_FUNCTION);
        int before = virsh.calls().size();

        assertThat(libvirt.detach("vm-a", USER_FUNCTION)).isEqualTo(Detached.DETACHED);
        assertThat(virsh.calls().subList(before, virsh.calls().size()))
                .containsExactly("detach-device --domain vm-a --file F --live", "dumpxml --domain vm-a");
        assertThat(virsh.files()).endsWith("""
                --- detach-device vm-a
                <hostdev mode='subsystem' type='pci' managed='yes'>
                  <source>
                    <address domain='0x0000' bus='0x3b' slot='0x00' function='0x1'/>
                  </source>
                </hostdev>
                """);
        assertThat(libvirt.attached("vm-a", USER_FUNCTION)).isFalse();

        assertThat(libvirt.detach("vm-a", USER_FUNCTION))
                .as("not there any more")
                .isEqualTo(Detached.NOT_ATTACHED);
        assertThat(libvirt.detach("nosuch", USER_FUNCTION)).as("the VM is gone").isEqualTo(Detached.DOMAIN_GONE);
        assertThat(libvirt.detach("vm-off", USER_FUNCTION))
                .as("a shut-off domain holds no live device")
                .isEqualTo(Detached.NOT_ATTACHED);
    }

    @Test
    void refusalsSayWhyInLibvirtsWords() throws IOException {
        assertRefused(() -> libvirt.attach("nosuch", USER_FUNCTION), Kind.UNKNOWN_DOMAIN, "knows no domain nosuch");
        assertRefused(() -> libvirt.attach("vm-off", USER_FUNCTION), Kind.NOT_RUNNING, "vm-off is shut off");
        assertThat(virsh.calls()).noneMatch(c -> c.startsWith("attach-device"));

        libvirt.attach("vm-a", USER_FUNCTION);
        assertRefused(
                () -> libvirt.attach("vm-b", USER_FUNCTION),
                Kind.IN_USE,
                "PCI device 0000:3b:00.1 is in use by driver QEMU, domain vm-a");

        virsh.refuse(
                "attach", "error: unsupported configuration: host doesn't support passthrough of host PCI devices");
        assertRefused(
                () -> libvirt.attach("vm-b", new PciAddress(0, 0xd8, 0, 1)),
                Kind.REFUSED,
                "host doesn't support passthrough of host PCI devices");
        virsh.accept("attach");

        virsh.refuse("detach", "error: internal error: unable to execute QEMU command 'device_del': Device not found");
        assertRefused(
                () -> libvirt.detach("vm-a", USER_FUNCTION),
                Kind.REFUSED,
                "unable to execute QEMU command 'device_del'");
    }

    @Test
    void aGuestThatKeepsTheFunctionAfterTheDetachIsAFailureNotARelease() throws IOException {
        libvirt.attach("vm-a", USER_FUNCTION);
        // libvirt answers a detach after 5 s even if the guest has not let go: the live XML still has the device.
        Path kept = virsh.dir.resolve("domains/vm-a").resolve("kept.xml");
        Files.copy(
                virsh.dir.resolve("domains/vm-a").resolve("domain_0x0000_bus_0x3b_slot_0x00_function_0x1.xml"), kept);
        assertRefused(() -> libvirt.detach("vm-a", USER_FUNCTION), Kind.REFUSED, "has not released 0000:3b:00.1");
    }

    @Test
    void domainXmlIsReadWithoutDoctypesOrEntities() {
        assertThat(DomainXml.pciHostdevs("""
                        <domain type='kvm'><devices>
                          <hostdev mode='subsystem' type='pci' managed='yes'>
                            <driver name='vfio'/>
                            <source><address domain='0x0000' bus='0xb1' slot='0x00' function='0x7'/></source>
                            <alias name='hostdev0'/>
                            <address type='pci' domain='0x0000' bus='0x06' slot='0x00' function='0x0'/>
                          </hostdev>
                          <hostdev mode='subsystem' type='usb'><source><vendor id='0x1'/></source></hostdev>
                        </devices></domain>
                        """))
                .as("the host function, not the guest's address of it; not USB")
                .containsExactly(new PciAddress(0, 0xb1, 0, 7));
        assertThatThrownBy(() -> DomainXml.pciHostdevs(
                        "<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><domain>&x;</domain>"))
                .isInstanceOf(AttachmentException.class)
                .hasMessageContaining("no domain XML");
    }

    private static void assertRefused(Runnable call, Kind kind, String message) {
        assertThatThrownBy(call::run)
                .isInstanceOf(AttachmentException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((AttachmentException) e).kind()).isEqualTo(kind));
    }
}
