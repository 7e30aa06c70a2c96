package org.hwpersonality.backend.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.BackendException.Kind;
import org.hwpersonality.api.backend.DeviceDescriptor;
import org.hwpersonality.api.backend.ImageDescriptor;
import org.hwpersonality.api.backend.ProgrammingRequest;
import org.hwpersonality.api.backend.WorkloadCommand;
import org.hwpersonality.api.device.PciAddress;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.profile.ClockSetting;
import org.hwpersonality.api.profile.Compatibility;
import org.hwpersonality.api.profile.FabricConfiguration;
import org.hwpersonality.api.profile.MemoryMap;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.OsSupport;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.profile.Tunable;
import org.hwpersonality.api.profile.TunableEffect;
import org.hwpersonality.api.profile.WorkloadProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AWS F1 back end against stand-ins of the AWS FPGA management tools (src/test/resources/aws/fpga-mgmt.sh). Real
 * material: the slot listing of sdk/userspace/fpga_mgmt_tools/README.md (aws/aws-fpga: slots 0 and 1 at
 * 0000:00:0f.0 and 0000:00:11.0), the shell version 0x04261818 and the AFIs of hdk/README.md
 * (agfi-0fcf87119b8e97bf3, the hello-world example) and hdk/cl/examples/cl_dram_dma/README.md
 * (agfi-0b5c35827af676702), both built for shell 0x04261818.
 */
class AwsF1BackendTest {
    static final String HELLO = "agfi-0fcf87119b8e97bf3";
    static final String DRAM_DMA = "agfi-0b5c35827af676702";
    static final String SLOT0 = "0000:00:0f.0";
    static final String SLOT1 = "0000:00:11.0";
    static final Resources CAPACITY = new Resources(945_000, 1_890_000, 1_728, 5_472, 65_536);

    @TempDir
    Path tools;

    @TempDir
    Path images;

    AwsF1Backend backend;

    @BeforeEach
    void fakeTools() throws IOException {
        byte[] script;
        try (InputStream in = AwsF1BackendTest.class.getResourceAsStream("/aws/fpga-mgmt.sh")) {
            script = in.readAllBytes();
        }
        for (String tool : List.of(
                "fpga-describe-local-image-slots",
                "fpga-describe-local-image",
                "fpga-load-local-image",
                "fpga-clear-local-image")) {
            Path t = tools.resolve(tool);
            Files.write(t, script);
            Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(tools.resolve("slots.txt"), "0 " + SLOT0 + "\n1 " + SLOT1 + "\n");
        Files.writeString(tools.resolve("shell"), "0x04261818\n");
        Files.writeString(tools.resolve("known-afis"), HELLO + "\n" + DRAM_DMA + "\n");
        Files.writeString(tools.resolve("power"), "17\n");
        backend = backend(Optional.empty());
    }

    AwsF1Backend backend(Optional<WorkloadCommand> workload) {
        return new AwsF1Backend(tools, Duration.ofSeconds(10), Duration.ofSeconds(10), "aws-f1", CAPACITY, workload);
    }

    @Test
    void discoversTheSlotsWithTheirShell() throws IOException {
        List<DeviceDescriptor> devices = backend.discover();

        assertThat(devices).extracting(DeviceDescriptor::id).containsExactly(SLOT0, SLOT1);
        DeviceDescriptor slot0 = devices.get(0);
        assertThat(slot0.vendor()).isEqualTo("aws");
        assertThat(slot0.family()).isEqualTo("aws-f1");
        assertThat(slot0.model()).isEqualTo("AWS F1 FPGA slot 0");
        assertThat(slot0.interfaceId()).isEqualTo("000000000000000000000000" + "04261818");
        assertThat(slot0.health().healthy()).isTrue();
        assertThat(slot0.health().message()).isEqualTo("cleared");
        assertThat(slot0.regions().get(0).loadedImageUuid()).isEmpty();
        assertThat(slot0.regions().get(0).guestFunction()).contains(PciAddress.of(SLOT0));
        assertThat(calls()).contains("fpga-describe-local-image-slots -H", "fpga-describe-local-image -S 1 -H");
    }

    @Test
    void inspectsAnAfiReference() throws IOException {
        ImageDescriptor d = backend.inspect(afi(HELLO, "0x04261818", "clock.a0=250"));

        assertThat(d.format()).isEqualTo(ImageFormat.AFI);
        assertThat(d.imageUuid()).contains("000000000000000" + "0fcf87119b8e97bf3");
        assertThat(d.interfaceId()).contains("00000000000000000000000004261818");
        assertThat(d.clocksMhz()).containsEntry("a0", 250.0);
        assertThat(ImageFormat.AFI.startsLike(Files.readAllBytes(afi(HELLO, "0x04261818"))))
                .as("the API's first check knows the format")
                .isTrue();

        assertKind(() -> backend.inspect(write("bad.afi", "afi-063e6afe717a22158\n")), Kind.CORRUPT_IMAGE, "agfi-");
        assertKind(
                () -> backend.inspect(write("bad2.afi", HELLO + "\nshell=1\n")),
                Kind.CORRUPT_IMAGE,
                "line 'shell=1' is not shellVersion=");
        assertKind(
                () -> backend.inspect(write("bad3.afi", HELLO + "\nclock.a0=fast\n")),
                Kind.CORRUPT_IMAGE,
                "clock.a0 must be MHz");
        assertThat(calls()).as("no tool is run to read an image").isEmpty();
    }

    @Test
    void loadsAnAfiThenSkipsItAndClearsIt() throws IOException {
        Path image = afi(HELLO, "0x04261818");

        assertThat(backend.program(request(SLOT1, image, List.of())).skipped()).isFalse();
        assertThat(backend.program(request(SLOT1, image, List.of())).skipped()).isTrue();

        assertThat(calls())
                .filteredOn(l -> l.startsWith("fpga-load-local-image"))
                .containsExactly("fpga-load-local-image -S 1 -I " + HELLO + " -H");
        DeviceDescriptor slot1 = backend.status(SLOT1);
        assertThat(slot1.health().message()).isEqualTo("loaded");
        assertThat(slot1.regions().get(0).loadedImageUuid()).contains(AfiReference.imageId(HELLO));
        assertThat(slot1.regions().get(0).loadedImage()).contains(sha());
        assertThat(backend.status(SLOT0).regions().get(0).loadedImageUuid()).isEmpty();

        backend.clear(SLOT1, "0");
        assertThat(calls()).contains("fpga-clear-local-image -S 1 -H");
        assertThat(backend.status(SLOT1).regions().get(0).loadedImageUuid()).isEmpty();
    }

    /** A derived profile's clocks reach the slot as the load's -a/-b/-c, checked against the metrics after it. */
    @Test
    void clocksAreLoadedAsRecipeFrequenciesAndChecked() throws IOException {
        Path image = afi(DRAM_DMA, "0x04261818", "clock.a0=250");

        backend.program(request(SLOT0, image, List.of(new ClockSetting("clk_main_a0", 125))));
        assertThat(calls()).contains("fpga-load-local-image -S 0 -I " + DRAM_DMA + " -H -a 125");
        assertThat(Files.readString(tools.resolve("clk-0"))).startsWith("125 ");
        assertThat(backend.program(request(SLOT0, image, List.of(new ClockSetting("a0", 125))))
                        .skipped())
                .isTrue();
        assertThat(backend.program(request(SLOT0, image, List.of(new ClockSetting("a0", 250))))
                        .skipped())
                .as("the same AFI at another clock is loaded again")
                .isFalse();

        assertKind(
                () -> backend.program(request(SLOT0, image, List.of(new ClockSetting("clk_main_a0", 300)))),
                Kind.INCOMPATIBLE,
                "300 MHz is no clock recipe of group A (15.625, 125, 250 MHz)");
        assertKind(
                () -> backend.program(request(SLOT0, image, List.of(new ClockSetting("kernel", 300)))),
                Kind.INCOMPATIBLE,
                "clock 'kernel' cannot be set on AWS F1");

        Files.writeString(tools.resolve("clk-cap"), "125");
        assertKind(
                () -> backend.program(request(SLOT1, image, List.of(new ClockSetting("a0", 250)))),
                Kind.DEVICE_ERROR,
                "runs clock a0 at 125 MHz, not the 250 MHz asked for");
    }

    /** A profile is stored only when its clocks and every value of its clock tunables are recipes. */
    @Test
    void clockTunablesAreCheckedAgainstTheRecipesBeforeTheProfileIsStored() {
        backend.checkTunables(
                f1Profile(new Tunable("clk_main_a0", 125, 250, 125, 250, new TunableEffect(1, -1, 1, 0))));
        backend.checkTunables(f1Profile(new Tunable("notAClock", 1, 9, 1, 5, new TunableEffect(1, 0, 0, 0))));
        assertKind(
                () -> backend.checkTunables(
                        f1Profile(new Tunable("clk_main_a0", 125, 250, 62.5, 250, new TunableEffect(1, -1, 1, 0)))),
                Kind.INCOMPATIBLE,
                "tunable 'clk_main_a0' reaches 187.5 MHz (min + 1 × step), but clock clk_main_a0 at 187.5 MHz is no"
                        + " clock recipe of group A (15.625, 125, 250 MHz)");
    }

    private static PersonalityProfile f1Profile(Tunable tunable) {
        return new PersonalityProfile(
                "f1-hello-v1",
                "f1-hello",
                1,
                "",
                new Compatibility("aws", "aws-f1", java.util.Set.of()),
                List.of(new WorkloadProfile("compression", new PerformanceFigures(5, 50, 20))),
                List.of(new OsSupport("linux", KernelRange.ANY, "xdma")),
                new FabricConfiguration(
                        Sha256.of("a".repeat(64)),
                        RegionKind.PARTIAL,
                        new Resources(100_000, 200_000, 100, 10, 1_024),
                        List.of(new ClockSetting("clk_main_a0", 250))),
                MemoryMap.EMPTY,
                List.of(),
                List.of(tunable),
                Origin.ADMIN,
                Optional.empty(),
                ProfileStatus.ACTIVE,
                java.time.Instant.parse("2026-12-06T00:00:00Z"));
    }

    @Test
    void theToolsRefusalsAreNamed() throws IOException {
        assertKind(
                () -> backend.program(request(SLOT0, afi("agfi-0123456789abcdef0", "0x04261818"), List.of())),
                Kind.INCOMPATIBLE,
                "exited with 5: Error: (5) invalid-afi-id");
        assertKind(
                () -> backend.program(request(SLOT0, afi(HELLO, "0x04151701"), List.of())),
                Kind.INCOMPATIBLE,
                "built for shell 0x04151701; device 0000:00:0f.0 runs shell 0x04261818");
        Files.writeString(tools.resolve("afi-shell-" + DRAM_DMA), "0x04151701\n");
        assertKind(
                () -> backend.program(request(SLOT0, afi(DRAM_DMA), List.of())),
                Kind.INCOMPATIBLE,
                "Error: (16) shell-version-not-supported");
        assertKind(() -> backend.status("0000:00:13.0"), Kind.UNKNOWN_DEVICE, "no F1 FPGA slot at 0000:00:13.0");
        assertKind(() -> backend.clear(SLOT0, "1"), Kind.UNKNOWN_DEVICE, "not '1'");
        assertThat(backend.status(SLOT0).regions().get(0).loadedImageUuid())
                .as("nothing was loaded")
                .isEmpty();
    }

    /** F1 has DDR (64 GiB per FPGA) and no QSFP: an HBM map or a network port is refused before any load. */
    @Test
    void memoryMapsAndPeripheralsF1LacksAreRefused() throws IOException {
        Path image = afi(HELLO, "0x04261818");
        org.hwpersonality.api.profile.MemoryMap hbm =
                new org.hwpersonality.api.profile.MemoryMap(List.of(new org.hwpersonality.api.profile.MemorySegment(
                        "hbm0", org.hwpersonality.api.profile.MemorySegment.MemoryKind.HBM, 0, 1L << 30)));
        assertKind(
                () -> backend.program(new ProgrammingRequest(SLOT0, "0", image, sha(), "p", List.of(), hbm, List.of())),
                Kind.INCOMPATIBLE,
                "memory segment 'hbm0' is HBM but device 0000:00:0f.0 has DDR 65536 MiB");
        assertKind(
                () -> backend.program(new ProgrammingRequest(
                        SLOT0,
                        "0",
                        image,
                        sha(),
                        "p",
                        List.of(),
                        null,
                        List.of(new org.hwpersonality.api.profile.PeripheralSetting("qsfp0", java.util.Map.of())))),
                Kind.INCOMPATIBLE,
                "peripheral 'qsfp0' is not on device 0000:00:0f.0, which has none");
        assertThat(calls()).noneMatch(c -> c.startsWith("fpga-load-local-image"));
    }

    @Test
    void readsVccintPowerAndMeasuresWithTheWorkloadCommand() throws IOException {
        assertThat(backend.readings(SLOT0).orElseThrow().powerWatts()).contains(17.0);
        assertThat(backend.measure(SLOT0, "0", "dma")).as("no workload command").isEmpty();

        Path bench = write(
                "bench.sh",
                "#!/bin/bash\necho \"$@\" > \"$(dirname \"$0\")/bench.args\"\n"
                        + "echo throughputGops=3.5\necho latencyUs=12\n");
        Files.setPosixFilePermissions(bench, PosixFilePermissions.fromString("rwxr-xr-x"));
        AwsF1Backend measuring =
                backend(WorkloadCommand.of(bench + " {workload} {device} {region}", Duration.ofSeconds(10)));
        assertKind(() -> measuring.measure(SLOT0, "0", "dma"), Kind.DEVICE_ERROR, "holds no AFI");
        measuring.program(request(SLOT0, afi(DRAM_DMA, "0x04261818"), List.of()));

        assertThat(measuring.measure(SLOT0, "0", "dma")).contains(new PerformanceFigures(3.5, 12, 17));
        assertThat(Files.readString(images.resolve("bench.args")).strip()).isEqualTo("dma " + SLOT0 + " 0");
    }

    // ---------------------------------------------------------------------------------------------------------

    private Path afi(String agfi, String... lines) throws IOException {
        return write(
                agfi + "-" + String.join("", lines).hashCode() + ".afi",
                agfi + "\n"
                        + "# aws ec2 describe-fpga-images\n"
                        + String.join(
                                "\n",
                                java.util.Arrays.stream(lines)
                                        .map(l -> l.startsWith("0x") ? "shellVersion=" + l : l)
                                        .toList())
                        + "\n");
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(images.resolve(name), text);
    }

    private static Sha256 sha() {
        return Sha256.of("cd".repeat(32));
    }

    private static ProgrammingRequest request(String device, Path image, List<ClockSetting> clocks) {
        return new ProgrammingRequest(device, "0", image, sha(), "p1", clocks, null, List.of());
    }

    private List<String> calls() throws IOException {
        Path log = tools.resolve("calls.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private static void assertKind(ThrowingCallable call, Kind kind, String... texts) {
        assertThatThrownBy(call).isInstanceOf(BackendException.class).satisfies(e -> {
            assertThat(((BackendException) e).kind()).isEqualTo(kind);
            for (String text : texts) {
                assertThat(e.getMessage()).contains(text);
            }
        });
    }
}
