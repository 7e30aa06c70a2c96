package org.hwpersonality.attach.libvirt.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.hwpersonality.api.Settings;
import org.hwpersonality.api.attach.Attachment;
import org.hwpersonality.api.attach.AttachmentException;
import org.hwpersonality.api.attach.AttachmentException.Kind;
import org.hwpersonality.api.backend.CommandRunner;
import org.hwpersonality.api.device.PciAddress;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Attaches through libvirt with {@code virsh}, run through {@link CommandRunner} like the vendors' tools: no native
 * library in the JVM (libvirt's Java binding needs libvirt and JNA inside Karaf, and a call that hangs in libvirt
 * cannot be abandoned), a deadline that kills the tool, and the same commands an operator types to check by hand.
 *
 * <ul>
 *   <li>attach: {@code virsh -c URI domstate --domain D} (a hot-plug needs it running), {@code virsh -c URI
 *       dumpxml --domain D} (done if the live domain has the function already), then
 *       {@code virsh -c URI attach-device --domain D --file F --live} with {@code F} a {@code <hostdev
 *       mode='subsystem' type='pci' managed='yes'>} naming the function, so that libvirt binds it to vfio-pci and
 *       gives it back to its host driver on detach;</li>
 *   <li>detach: {@code virsh -c URI detach-device --domain D --file F --live};</li>
 *   <li>a domain's existence: {@code virsh -c URI domstate --domain D} (by name, ID or UUID).</li>
 * </ul>
 *
 * What virsh says on failure is classified by libvirt's own messages (see {@link VirshErrors}).
 */
@Component(
        service = Attachment.class,
        property = Attachment.HYPERVISOR_PROPERTY + "=" + LibvirtAttachment.HYPERVISOR,
        configurationPid = LibvirtAttachment.PID)
@Designate(ocd = LibvirtAttachment.Config.class)
public final class LibvirtAttachment implements Attachment {
    public static final String HYPERVISOR = "libvirt";
    public static final String PID = "org.hwpersonality.attach.libvirt";

    /** Configuration. */
    @ObjectClassDefinition(
            name = "HWP libvirt attachment",
            description = "Hot-plugs the PCI function of a programmed region into the VM's libvirt domain with virsh")
    public @interface Config {
        @AttributeDefinition(name = "virsh path", description = "Absolute path of libvirt's virsh")
        String virsh_path() default "/usr/bin/virsh";

        @AttributeDefinition(
                name = "Connection URI",
                description = "libvirt connection URI of this node's hypervisor (virsh -c)")
        String connection_uri() default "qemu:///system";

        @AttributeDefinition(
                name = "Timeout (ms)",
                description = "Deadline of each virsh call; a hot-plug waits for the guest",
                min = "1")
        long timeout_ms() default 60_000;

        @AttributeDefinition(
                name = "Release wait (ms)",
                description = "How long a detach waits for the guest to give the function back (libvirt answers"
                        + " after 5 s even when the guest has not)",
                min = "0")
        long release_wait_ms() default 30_000;
    }

    private final Path virsh;
    private final String uri;
    private final Duration timeout;
    private final Duration releaseWait;
    private final CommandRunner runner = new CommandRunner();

    @Activate
    public LibvirtAttachment(Config config) {
        this(
                Path.of(Settings.check(Config.class, config).virsh_path()),
                config.connection_uri(),
                Duration.ofMillis(config.timeout_ms()),
                Duration.ofMillis(config.release_wait_ms()));
    }

    LibvirtAttachment(Path virsh, String uri, Duration timeout, Duration releaseWait) {
        if (!virsh.isAbsolute()) {
            throw new IllegalArgumentException("virsh.path must be an absolute path (was " + virsh + ")");
        }
        if (uri.isBlank() || uri.startsWith("-")) {
            throw new IllegalArgumentException("connection.uri must be a libvirt URI such as qemu:///system");
        }
        this.virsh = virsh;
        this.uri = uri;
        this.timeout = timeout;
        this.releaseWait = releaseWait;
    }

    @Override
    public String hypervisor() {
        return HYPERVISOR;
    }

    @Override
    public boolean hasDomain(String domain) {
        return state(domain) != null;
    }

    /** The domain's state as virsh names it ({@code running}, {@code paused}, {@code shut off} …); null if unknown. */
    private String state(String domain) {
        CommandRunner.Result r = virsh("domstate", "--domain", domain);
        if (r.exitCode() == 0) {
            return r.stdout().strip();
        }
        if (VirshErrors.of(r.stderr()) == VirshErrors.Said.NO_DOMAIN) {
            return null;
        }
        throw failure(Kind.UNAVAILABLE, "could not ask libvirt for domain " + domain, r);
    }

    @Override
    public void attach(String domain, PciAddress function) {
        String state = state(domain);
        if (state == null) {
            throw new AttachmentException(
                    Kind.UNKNOWN_DOMAIN,
                    "libvirt (" + uri + ") knows no domain " + domain + " to attach " + function + " to");
        }
        if (!state.equals("running") && !state.equals("paused")) {
            throw new AttachmentException(
                    Kind.NOT_RUNNING,
                    "domain " + domain + " is " + state + ": " + function
                            + " can be hot-plugged only into a running domain");
        }
        if (attached(domain, function)) {
            return;
        }
        CommandRunner.Result r = withHostdevFile(
                function, file -> virsh("attach-device", "--domain", domain, "--file", file.toString(), "--live"));
        if (r.exitCode() != 0) {
            Kind kind = switch (VirshErrors.of(r.stderr())) {
                case NO_DOMAIN -> Kind.UNKNOWN_DOMAIN;
                case NOT_RUNNING -> Kind.NOT_RUNNING;
                case IN_USE -> Kind.IN_USE;
                default -> Kind.REFUSED;
            };
            throw failure(kind, "libvirt did not attach " + function + " to domain " + domain, r);
        }
    }

    @Override
    public Detached detach(String domain, PciAddress function) {
        CommandRunner.Result r = withHostdevFile(
                function, file -> virsh("detach-device", "--domain", domain, "--file", file.toString(), "--live"));
        if (r.exitCode() == 0) {
            awaitReleased(domain, function);
            return Detached.DETACHED;
        }
        return switch (VirshErrors.of(r.stderr())) {
            case NO_DOMAIN -> Detached.DOMAIN_GONE;
            case NOT_ATTACHED -> Detached.NOT_ATTACHED;
            case NOT_RUNNING -> Detached.NOT_ATTACHED; // a shut-off domain holds no live device
            default -> throw failure(Kind.REFUSED, "libvirt did not detach " + function + " from " + domain, r);
        };
    }

    /**
     * libvirt answers a detach after 5 s even if the guest has not let the device go; the live XML keeps it until
     * QEMU reports it removed. Waits for that, at most {@link #releaseWait}: a function still in the guest must not
     * be given to another VM.
     */
    private void awaitReleased(String domain, PciAddress function) {
        long deadline = System.nanoTime() + releaseWait.toNanos();
        while (attached(domain, function)) {
            if (System.nanoTime() > deadline) {
                throw new AttachmentException(
                        Kind.REFUSED,
                        "domain " + domain + " has not released " + function + " within " + releaseWait.toMillis()
                                + " ms of the detach (the guest may ignore the unplug request)");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AttachmentException(
                        Kind.UNAVAILABLE, "interrupted while " + domain + " releases " + function);
            }
        }
    }

    /** Whether the running domain's live XML has a PCI hostdev of this function. */
    public boolean attached(String domain, PciAddress function) {
        CommandRunner.Result r = virsh("dumpxml", "--domain", domain);
        if (r.exitCode() != 0) {
            Kind kind =
                    VirshErrors.of(r.stderr()) == VirshErrors.Said.NO_DOMAIN ? Kind.UNKNOWN_DOMAIN : Kind.UNAVAILABLE;
            throw failure(kind, "could not read domain " + domain, r);
        }
        return DomainXml.pciHostdevs(r.stdout()).contains(function);
    }

    /** The {@code <hostdev>} element libvirt is given for a function. */
    static String hostdev(PciAddress f) {
        return String.format(Locale.ROOT, """
                <hostdev mode='subsystem' type='pci' managed='yes'>
                  <source>
                    <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>
                  </source>
                </hostdev>
                """, f.domain(), f.bus(), f.slot(), f.function());
    }

    private CommandRunner.Result withHostdevFile(
            PciAddress function, java.util.function.Function<Path, CommandRunner.Result> run) {
        Path file = null;
        try {
            file = Files.createTempFile(
                    "hwp-hostdev-",
                    ".xml",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, hostdev(function), StandardCharsets.UTF_8);
            return run.apply(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the hostdev XML for virsh", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    private CommandRunner.Result virsh(String... arguments) {
        // In the C locale: libvirt translates its messages, and they are read here.
        List<String> command = new ArrayList<>(List.of("/usr/bin/env", "LC_ALL=C", virsh.toString(), "-c", uri));
        command.addAll(List.of(arguments));
        try {
            return runner.run(command, timeout);
        } catch (RuntimeException e) {
            throw new AttachmentException(
                    Kind.UNAVAILABLE, "virsh " + arguments[0] + " could not be run: " + e.getMessage());
        }
    }

    private static AttachmentException failure(Kind kind, String what, CommandRunner.Result r) {
        String said = (r.stderr().isBlank() ? r.stdout() : r.stderr())
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .limit(4)
                .collect(Collectors.joining(" | "));
        return new AttachmentException(kind, what + ": virsh exited with " + r.exitCode() + ": " + said);
    }
}
