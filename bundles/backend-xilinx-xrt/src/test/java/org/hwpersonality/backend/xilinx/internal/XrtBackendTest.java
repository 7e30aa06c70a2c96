package org.hwpersonality.backend.xilinx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.CardReadings;
import org.hwpersonality.api.backend.DeviceDescriptor;
import org.hwpersonality.api.backend.ImageDescriptor;
import org.hwpersonality.api.backend.ProgrammingRequest;
import org.hwpersonality.api.backend.ProgrammingResult;
import org.hwpersonality.api.backend.WorkloadCommand;
import org.hwpersonality.api.device.RegionKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XrtBackendTest {
    static final String U250 = "0000:3b:00.1";
    static final String U55C = "0000:d8:00.1";
    /** The logic UUIDs xbutil reports for the two shells (device-*.json). */
    static final String U250_LOGIC = "8f4a5e3c1b2d4e6f9a0bc1d2e3f40516";

    static final String U55C_LOGIC = "97088961feaeda9152a21d9dfd63ccef";
    /** The interface UUIDs their platform metadata (partition.xsabin) names: what xclbins are built for. */
    static final String U250_SHELL = "3f1a8b2c9d4e4f60a1b2c3d4e5f60718";

    static final String U55C_SHELL = "7c2d4e6f8a0b4c1d9e2f3a4b5c6d7e8f";
    static final String IMAGE_UUID = "6250ec803f384be0ac9068bfd3c140a8";
    static final Sha256 SHA = Sha256.of("ab".repeat(32));
    static final Resources U250_CAPACITY = new Resources(1_728_000, 3_456_000, 2_688, 12_288, 65_536);

    @TempDir
    Path tools;

    @TempDir
    Path images;

    @TempDir
    Path firmware;

    Path xbutil;
    XrtBackend backend;

    @BeforeEach
    void fakeXbutil() throws IOException {
        for (String name : List.of(
                "host.json",
                "device-0000_3b_00.1.json",
                "device-0000_d8_00.1.json",
                "sensors-0000_3b_00.1.json",
                "sensors-0000_d8_00.1.json")) {
            copy(name, tools.resolve(name));
        }
        xbutil = tools.resolve("xbutil");
        copy("xbutil.sh", xbutil);
        Files.setPosixFilePermissions(xbutil, PosixFilePermissions.fromString("rwxr-xr-x"));
        xsabin(U250_LOGIC, U250_SHELL);
        xsabin(U55C_LOGIC, U55C_SHELL);
        backend = backend(Duration.ofSeconds(20));
    }

    XrtBackend backend(Duration toolTimeout) {
        return new XrtBackend(
                xbutil, toolTimeout, Duration.ofSeconds(20), U250_CAPACITY, Map.of(), firmware, Optional.empty());
    }

    /**
     * Installs FIRMWARE/LOGIC/partition.xsabin as a platform's deployment package does: an axlf file whose
     * PARTITION_METADATA has the schema of the kernel documentation's U50 example (logic_uuid, schema_version,
     * interfaces).
     */
    private Path xsabin(String logic, String... interfaces) throws IOException {
        FdtWriter.Node list = FdtWriter.node("interfaces");
        for (int i = 0; i < interfaces.length; i++) {
            list.child(FdtWriter.node("@" + i).prop("interface_uuid", interfaces[i]));
        }
        byte[] dtb = FdtWriter.dtb(FdtWriter.node("")
                .prop("logic_uuid", logic)
                .child(FdtWriter.node("schema_version").cells("major", 1).cells("minor", 0))
                .child(list));
        Path dir = Files.createDirectories(firmware.resolve(logic));
        return new XclbinWriter()
                .uuid(logic)
                .mode(0)
                .section(PartitionMetadata.SECTION_KIND, "partition_metada", dtb)
                .write(dir.resolve("partition.xsabin"));
    }

    /**
     * XRT 2.12 and later report only the shell's logic UUID; the interface UUID that xclbins carry comes from the
     * platform's own partition.xsabin. Without it, or when it names several interfaces, the card is listed
     * unhealthy with exactly what to configure; a configured UUID then makes it usable.
     */
    @Test
    void theShellsInterfaceComesFromThePlatformMetadataOrTheCardSaysWhatToConfigure() throws IOException {
        assertThat(backend.status(U250).interfaceId()).isEqualTo(U250_SHELL);
        assertThat(backend.status(U250).health().healthy()).isTrue();

        Files.delete(firmware.resolve(U250_LOGIC).resolve("partition.xsabin"));
        DeviceDescriptor missing = backend.status(U250);
        assertThat(missing.health().healthy()).isFalse();
        assertThat(missing.health().message())
                .contains("reports only the logic UUID " + U250_LOGIC)
                .contains(
                        firmware.resolve(U250_LOGIC).resolve("partition.xsabin").toString())
                .contains("set shell.interface.ids = xilinx_u250_gen3x16_xdma_shell_4_1=")
                .contains("xbmgmt examine");
        assertThat(backend.status(U55C).health().healthy())
                .as("the other card is unaffected")
                .isTrue();

        xsabin(U250_LOGIC, U250_SHELL, U55C_SHELL);
        DeviceDescriptor two = backend.status(U250);
        assertThat(two.health().healthy()).isFalse();
        assertThat(two.health().message()).contains("names 2 interface UUIDs (" + U250_SHELL + ", " + U55C_SHELL + ")");

        XrtBackend configured = new XrtBackend(
                xbutil,
                Duration.ofSeconds(20),
                Duration.ofSeconds(20),
                U250_CAPACITY,
                Map.of("xilinx_u250_gen3x16_xdma_shell_4_1", U250_SHELL),
                firmware,
                Optional.empty());
        assertThat(configured.status(U250).health().healthy()).isTrue();
        assertThat(configured.status(U250).interfaceId()).isEqualTo(U250_SHELL);
    }

    /** A 2RP xclbin is checked by its PARTITION_METADATA interfaces, as xocl_fdt_check_uuids does. */
    @Test
    void aTwoRpXclbinIsCheckedByItsPartitionMetadata() throws IOException {
        Path good = xclbinWithMetadata("good", "00000000000000000000000000000000", U250_SHELL);
        // the header UUID is ignored when PARTITION_METADATA names interfaces
        Path headerOnly = xclbinWithMetadata("header", U250_SHELL, U55C_SHELL);

        assertThat(backend.inspect(good).interfaceId()).contains(U250_SHELL);
        assertThat(backend.program(request(U250, good)).skipped()).isFalse();
        assertThatThrownBy(() -> backend.program(request(U250, headerOnly)))
                .isInstanceOfSatisfying(
                        BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.INCOMPATIBLE))
                .hasMessageContaining("built for interface " + U55C_SHELL);
        Path both = xclbinWithMetadata("both", "00000000000000000000000000000000", U250_SHELL, U55C_SHELL);
        assertThatThrownBy(() -> backend.program(request(U250, both)))
                .as("every interface of the xclbin must be offered")
                .hasMessageContaining("built for interface " + U55C_SHELL);
    }

    private Path xclbinWithMetadata(String name, String headerUuid, String... interfaces) throws IOException {
        FdtWriter.Node list = FdtWriter.node("interfaces");
        for (String i : interfaces) {
            list.child(FdtWriter.node("").prop("interface_uuid", i));
        }
        byte[] dtb = FdtWriter.dtb(FdtWriter.node("")
                .child(FdtWriter.node("schema_version").prop("major", "0x1").prop("minor", "0x0"))
                .child(list));
        return new XclbinWriter()
                .uuid(IMAGE_UUID)
                .interfaceUuid(headerUuid)
                .typical()
                .section(PartitionMetadata.SECTION_KIND, "partition_metada", dtb)
                .write(images.resolve(name + ".xclbin"));
    }

    @Test
    void configuredShellInterfaceUuidWinsOverXbutilsLogicUuid() throws IOException {
        String configured = "0123456789abcdef0123456789abcdef";
        XrtBackend overridden = new XrtBackend(
                xbutil,
                Duration.ofSeconds(20),
                Duration.ofSeconds(20),
                U250_CAPACITY,
                XrtBackend.shellInterfaceIds(
                        new String[] {"xilinx_u250_gen3x16_xdma_shell_4_1=01234567-89AB-CDEF-0123-456789ABCDEF"}),
                firmware,
                Optional.empty());
        assertThat(overridden.status(U250).interfaceId()).isEqualTo(configured);
        assertThat(overridden.status(U55C).interfaceId())
                .as("not configured: xbutil's")
                .isNotEqualTo(configured);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> XrtBackend.shellInterfaceIds(new String[] {"no-equals-sign"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'no-equals-sign' is not VBNV=UUID");
        assertThat(XrtBackend.shellInterfaceIds(new String[] {""}))
                .as("etc/*.cfg: blank")
                .isEmpty();
        assertThat(XrtBackend.shellInterfaceIds(new String[] {"a_b_1=0123-4567, c_d_2=89AB"}))
                .as("etc/*.cfg: a comma list in one string")
                .isEqualTo(Map.of("a_b_1", "01234567", "c_d_2", "89ab"));
    }

    /**
     * Emulation xclbins (v++ -t hw_emu / sw_emu: m_mode 4, 6, 5) are refused for hardware before xbutil runs; flat,
     * PR and tandem ones (0 to 3) are hardware, as XRT's get_target_type has it.
     */
    @Test
    void emulationXclbinsAreRefusedForHardware() throws IOException {
        for (int mode : new int[] {4, 5, 6, 7}) {
            Path emu = images.resolve("emu-" + mode + ".xclbin");
            Files.write(
                    emu,
                    new XclbinWriter()
                            .mode(mode)
                            .interfaceUuid(U250_SHELL)
                            .typical()
                            .bytes());
            assertThatThrownBy(() -> backend.inspect(emu))
                    .as("m_mode %d", mode)
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("(m_mode " + mode + "), not for hardware")
                    .satisfies(e ->
                            assertThat(((BackendException) e).kind()).isEqualTo(BackendException.Kind.INCOMPATIBLE));
        }
        assertThatThrownBy(() -> backend.inspect(images.resolve("emu-5.xclbin")))
                .hasMessageContaining("is built for sw_emu");
        for (int mode : new int[] {0, 1, 2, 3}) {
            Path hw = images.resolve("hw-" + mode + ".xclbin");
            Files.write(
                    hw,
                    new XclbinWriter()
                            .mode(mode)
                            .interfaceUuid(U250_SHELL)
                            .typical()
                            .bytes());
            assertThat(backend.inspect(hw).format()).isEqualTo(ImageFormat.XCLBIN);
        }
        assertThat(log()).as("xbutil is not asked").isEmpty();
    }

    @Test
    void discoversTwoCards() throws IOException {
        List<DeviceDescriptor> devices = backend.discover();

        assertThat(devices).extracting(DeviceDescriptor::id).containsExactly(U250, U55C);
        DeviceDescriptor u250 = devices.get(0);
        assertThat(u250.model()).isEqualTo("xilinx_u250_gen3x16_xdma_shell_4_1");
        assertThat(u250.family()).isEqualTo("alveo-u250");
        assertThat(u250.interfaceId()).isEqualTo(U250_SHELL);
        assertThat(u250.health().healthy()).isTrue();
        assertThat(u250.regions()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("0");
            assertThat(r.kind()).isEqualTo(RegionKind.FULL);
            assertThat(r.capacity()).isEqualTo(U250_CAPACITY);
            assertThat(r.loadedImageUuid()).isEmpty();
            assertThat(r.loadedImage()).isEmpty();
            // xbutil lists the user function: what a guest is given (the management function .0 stays)
            assertThat(r.guestFunction().map(Object::toString)).contains(U250);
        });
        assertThat(devices.get(1).family()).isEqualTo("alveo-u55c");
        assertThat(devices.get(1).interfaceId()).isEqualTo(U55C_SHELL);
        assertThat(log())
                .containsExactly(
                        "examine --report host --format JSON --output <out>",
                        "examine --device 0000:3b:00.1 --report platform dynamic-regions --format JSON --output <out>",
                        "examine --device 0000:d8:00.1 --report platform dynamic-regions --format JSON --output <out>");
    }

    @Test
    void familyFromVbnv() {
        assertThat(XrtBackend.family("xilinx_u250_gen3x16_xdma_shell_4_1")).isEqualTo("alveo-u250");
        assertThat(XrtBackend.family("xilinx_u55c_gen3x16_xdma_base_3")).isEqualTo("alveo-u55c");
        assertThat(XrtBackend.family("xilinx_u30_gen3x4_base_2")).isEqualTo("alveo-u30");
        assertThat(XrtBackend.family("xilinx_u200_xdma_201830_2")).isEqualTo("alveo-u200");
        assertThat(XrtBackend.family("xilinx_vck5000_gen4x8_qdma_2")).isEqualTo("xilinx");
    }

    @Test
    void inspectsAnXclbin() throws IOException {
        Path image = image(U250_SHELL);

        ImageDescriptor d = backend.inspect(image);

        assertThat(d.format()).isEqualTo(ImageFormat.XCLBIN);
        assertThat(d.interfaceId()).contains(U250_SHELL);
        assertThat(d.imageUuid()).contains(IMAGE_UUID);
        assertThat(d.sizeBytes()).isEqualTo(Files.size(image));
        assertThat(d.clocksMhz()).containsEntry("KERNEL_CLK", 500.0);
        assertThat(log()).isEmpty();
    }

    @Test
    void programsThenSkipsTheSameImage() throws IOException {
        Path image = image(U250_SHELL);

        ProgrammingResult first = backend.program(request(U250, image));
        ProgrammingResult second = backend.program(request(U250, image));

        assertThat(first.skipped()).isFalse();
        assertThat(second.skipped()).isTrue();
        assertThat(second.durationMs()).isZero();
        assertThat(log())
                .filteredOn(l -> l.startsWith("program"))
                .containsExactly("program --device 0000:3b:00.1 --user " + image.toAbsolutePath());
        DeviceDescriptor status = backend.status(U250);
        assertThat(status.regions().get(0).loadedImageUuid()).contains(IMAGE_UUID);
        assertThat(status.regions().get(0).loadedImage()).contains(SHA);
        assertThat(backend.status(U55C).regions().get(0).loadedImageUuid()).isEmpty();
    }

    @Test
    void refusesAnImageForAnotherShellNamingBothUuids() throws IOException {
        Path image = image(U55C_SHELL);

        assertThatThrownBy(() -> backend.program(request(U250, image)))
                .isInstanceOfSatisfying(
                        BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.INCOMPATIBLE))
                .hasMessageContaining(U55C_SHELL)
                .hasMessageContaining(U250_SHELL);
        assertThatThrownBy(() -> backend.validate(backend.inspect(image), U250))
                .isInstanceOfSatisfying(
                        BackendException.class,
                        e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.INCOMPATIBLE));
        assertThat(log()).noneMatch(l -> l.startsWith("program"));
        backend.validate(backend.inspect(image), U55C);
    }

    /**
     * A signed xclbin (xclbinutil appends the signature after m_length and sets m_signature_length) is read and
     * handed to xbutil as it is: not rewritten, so XRT can still verify the signature on load.
     */
    @Test
    void aSignedXclbinIsProgrammedIntact() throws IOException {
        byte[] der = new byte[512];
        new java.util.Random(7).nextBytes(der);
        der[0] = 0x30; // a DER SEQUENCE, as PKCS#7 signatures start
        Path image = new XclbinWriter()
                .uuid(IMAGE_UUID)
                .interfaceUuid(U250_SHELL)
                .typical()
                .signature(der)
                .write(images.resolve("signed.xclbin"));
        byte[] before = Files.readAllBytes(image);

        ImageDescriptor d = backend.inspect(image);
        backend.program(request(U250, image));

        assertThat(d.sizeBytes()).as("m_length, the signature included").isEqualTo(before.length);
        assertThat(Files.readAllBytes(image)).isEqualTo(before);
        assertThat(log()).contains("program --device 0000:3b:00.1 --user " + image.toAbsolutePath());
        assertThat(backend.status(U250).regions().get(0).loadedImageUuid()).contains(IMAGE_UUID);
    }

    /**
     * With a signing certificate configured, every xclbin's vendor signature is checked with xclbinutil before xbutil
     * runs (a fake xclbinutil with XRT's output that verifies for real, with openssl, as XRT's XclBinSignature.cxx
     * does): an image signed as xclbinutil signs (PKCS#7 DER over the unsigned image, appended, m_length and
     * m_signature_length updated) loads; one byte changed, an unsigned image, or one signed with another key is
     * refused and the card is not touched.
     */
    @Test
    void vendorSignaturesAreCheckedWithXclbinutilBeforeLoading() throws Exception {
        Path xclbinutil = tools.resolve("xclbinutil");
        try (InputStream in = XrtBackendTest.class.getResourceAsStream("/xclbinutil/xclbinutil.py")) {
            Files.copy(in, xclbinutil);
        }
        Files.setPosixFilePermissions(xclbinutil, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path key = tools.resolve("signer.key");
        Path certificate = tools.resolve("signer.pem");
        newSigner(key, certificate);
        Path unsigned = image(U250_SHELL);
        Path signed = sign(unsigned, key, certificate, images.resolve("signed.xclbin"));
        XrtBackend checking = backend(Duration.ofSeconds(20)).checkSignatures(xclbinutil, certificate);

        checking.program(request(U250, signed));
        assertThat(log())
                .contains("xclbinutil --validate-signature --certificate " + certificate + " --input "
                        + signed.toAbsolutePath())
                .contains("program --device 0000:3b:00.1 --user " + signed.toAbsolutePath());
        assertThat(Xclbin.read(signed).signed()).isTrue();
        checking.clear(U250, XrtBackend.REGION);
        long programs = log().stream().filter(l -> l.startsWith("program")).count();

        byte[] changed = Files.readAllBytes(signed);
        changed[changed.length / 3] ^= 1;
        Path tampered = Files.write(images.resolve("tampered.xclbin"), changed);
        assertThatThrownBy(() -> checking.program(request(U250, tampered)))
                .isInstanceOfSatisfying(
                        BackendException.class,
                        e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.CORRUPT_IMAGE))
                .hasMessageContaining("fails its vendor signature check")
                .hasMessageContaining("Signed xclbin archive verification [FAILED]");
        assertThatThrownBy(() -> checking.program(request(U250, unsigned)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("ERROR: Xclbin image is not signed");
        Path otherKey = tools.resolve("other.key");
        Path otherCertificate = tools.resolve("other.pem");
        newSigner(otherKey, otherCertificate);
        Path foreign = sign(unsigned, otherKey, otherCertificate, images.resolve("foreign.xclbin"));
        assertThatThrownBy(() -> checking.program(request(U250, foreign)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("[FAILED]");
        assertThat(log().stream().filter(l -> l.startsWith("program")).count())
                .as("xbutil never ran for a refused image")
                .isEqualTo(programs);
        assertThat(checking.status(U250).regions().get(0).loadedImageUuid()).isEmpty();
    }

    private static void newSigner(Path key, Path certificate) throws Exception {
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=HWP test xclbin signer",
                "-keyout",
                key.toString(),
                "-out",
                certificate.toString());
    }

    /**
     * Signs as xclbinutil --private-key KEY --certificate CERT does (XclBinSignature.cxx, whose equivalent is "openssl
     * cms -sign -nocerts -noattr -binary -outform der"): the signature over the unsigned image is appended, and the
     * header's m_signature_length and m_length say so.
     */
    private static Path sign(Path unsigned, Path key, Path certificate, Path target) throws Exception {
        Path signature = target.resolveSibling(target.getFileName() + ".p7s");
        openssl(
                "cms",
                "-sign",
                "-md",
                "sha256",
                "-nocerts",
                "-noattr",
                "-binary",
                "-signer",
                certificate.toString(),
                "-inkey",
                key.toString(),
                "-in",
                unsigned.toString(),
                "-outform",
                "der",
                "-out",
                signature.toString());
        byte[] image = Files.readAllBytes(unsigned);
        byte[] der = Files.readAllBytes(signature);
        java.nio.ByteBuffer b =
                java.nio.ByteBuffer.allocate(image.length + der.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(image).put(der);
        b.putInt(8, der.length);
        b.putLong(304, image.length + der.length);
        return Files.write(target, b.array());
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }

    /**
     * A derived profile's kernel clock reaches the card the way XRT sets clocks: in the CLOCK_FREQ_TOPOLOGY of the
     * xclbin that xbutil loads. The stored image is not changed; the same image with other clocks is loaded again;
     * a clock the image lacks, and a clock change to a signed xclbin, are refused before xbutil runs.
     */
    @Test
    void aProfilesClocksReachTheCardInTheProgrammedXclbin() throws IOException {
        Path image = image(U250_SHELL);
        byte[] stored = Files.readAllBytes(image);
        List<org.hwpersonality.api.profile.ClockSetting> faster =
                List.of(new org.hwpersonality.api.profile.ClockSetting("kernel", 412));

        assertThat(backend.program(request(U250, image, faster)).skipped()).isFalse();

        Xclbin loaded = Xclbin.read(tools.resolve("programmed-0000_3b_00.1.xclbin"));
        assertThat(loaded.clocksMhz()).isEqualTo(Map.of("KERNEL_CLK", 412.0, "DATA_CLK", 300.0));
        assertThat(loaded.uuid()).isEqualTo(IMAGE_UUID);
        assertThat(Files.readAllBytes(image))
                .as("the stored image is untouched")
                .isEqualTo(stored);
        assertThat(backend.program(request(U250, image, faster)).skipped()).isTrue();
        assertThat(backend.program(request(U250, image, List.of())).skipped())
                .as("back to the image's own clocks: loaded again")
                .isFalse();
        assertThat(Xclbin.read(tools.resolve("programmed-0000_3b_00.1.xclbin")).clocksMhz())
                .containsEntry("KERNEL_CLK", 500.0);
        assertThat(backend.program(request(
                                U250,
                                image,
                                List.of(new org.hwpersonality.api.profile.ClockSetting("KERNEL_CLK", 500))))
                        .skipped())
                .as("the image's own frequency changes nothing")
                .isTrue();

        long programs = log().stream().filter(l -> l.startsWith("program")).count();
        assertThatThrownBy(() -> backend.program(
                        request(U250, image, List.of(new org.hwpersonality.api.profile.ClockSetting("hbm", 450)))))
                .isInstanceOfSatisfying(
                        BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.INCOMPATIBLE))
                .hasMessageContaining("clock 'hbm'")
                .hasMessageContaining("only DATA_CLK, KERNEL_CLK");
        Path signed = new XclbinWriter()
                .uuid(IMAGE_UUID)
                .interfaceUuid(U250_SHELL)
                .typical()
                .signature(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00})
                .write(images.resolve("signed-clock.xclbin"));
        assertThatThrownBy(() -> backend.program(request(U250, signed, faster)))
                .isInstanceOfSatisfying(
                        BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.INCOMPATIBLE))
                .hasMessageContaining("is signed");
        assertThat(log().stream().filter(l -> l.startsWith("program")).count()).isEqualTo(programs);
    }

    @Test
    void failingXbutilIsADeviceErrorQuotingIt() throws IOException {
        Files.writeString(tools.resolve("fail-program"), "ERROR: Failed to load xclbin: Operation not permitted\n");
        Path image = image(U250_SHELL);

        assertThatThrownBy(() -> backend.program(request(U250, image)))
                .isInstanceOfSatisfying(
                        BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.DEVICE_ERROR))
                .hasMessageContaining("exited with 1")
                .hasMessageContaining("Failed to load xclbin: Operation not permitted");

        Files.writeString(tools.resolve("fail-examine"), "ERROR: No devices found\n");
        assertThatThrownBy(() -> backend.discover())
                .isInstanceOfSatisfying(
                        BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.DEVICE_ERROR))
                .hasMessageContaining("No devices found");
    }

    @Test
    void programmingThatLoadsNothingIsADeviceError() throws IOException {
        Files.writeString(tools.resolve("program-noop"), "");
        Path image = image(U250_SHELL);

        assertThatThrownBy(() -> backend.program(request(U250, image)))
                .isInstanceOfSatisfying(
                        BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.DEVICE_ERROR))
                .hasMessageContaining(IMAGE_UUID);
    }

    @Test
    void hangingXbutilTimesOut() throws IOException {
        Files.writeString(tools.resolve("hang"), "");
        XrtBackend impatient = backend(Duration.ofMillis(800));

        long start = System.nanoTime();
        assertThatThrownBy(impatient::discover)
                .isInstanceOfSatisfying(
                        BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.TIMEOUT))
                .hasMessageContaining("800 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void unknownDevice() throws IOException {
        Path image = image(U250_SHELL);

        assertThatThrownBy(() -> backend.status("0000:af:00.1"))
                .isInstanceOfSatisfying(
                        BackendException.class,
                        e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNKNOWN_DEVICE))
                .hasMessageContaining("0000:af:00.1");
        assertThatThrownBy(() -> backend.program(request("0000:af:00.1", image)))
                .isInstanceOfSatisfying(
                        BackendException.class,
                        e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNKNOWN_DEVICE));
        assertThatThrownBy(() -> backend.status("fpga0"))
                .isInstanceOfSatisfying(
                        BackendException.class,
                        e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNKNOWN_DEVICE));
        assertThatThrownBy(() -> backend.clear(U250, "1"))
                .isInstanceOfSatisfying(
                        BackendException.class,
                        e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.UNKNOWN_DEVICE));
        assertThat(log()).noneMatch(l -> l.startsWith("program") || l.startsWith("reset"));
    }

    @Test
    void corruptImageIsRefusedBeforeAnyTool() throws IOException {
        Path image = Files.write(images.resolve("bad.xclbin"), new byte[] {1, 2, 3});

        assertThatThrownBy(() -> backend.program(request(U250, image)))
                .isInstanceOfSatisfying(
                        BackendException.class,
                        e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.CORRUPT_IMAGE));
        assertThat(log()).isEmpty();
    }

    @Test
    void clearResetsTheCard() throws IOException {
        backend.program(request(U250, image(U250_SHELL)));

        backend.clear(U250, "0");

        assertThat(log()).contains("reset --device 0000:3b:00.1 --force");
        assertThat(backend.status(U250).regions().get(0).loadedImageUuid()).isEmpty();
        assertThat(backend.measure(U250, "0", "any")).isEqualTo(Optional.empty());
        assertThat(backend.vendor()).isEqualTo("xilinx");
    }

    /** By family: the U55C has HBM only, the U250 DDR only; a memory map of the other kind is refused untouched. */
    @Test
    void memoryMapsOfKindsTheCardLacksAreRefused() throws IOException {
        org.hwpersonality.api.profile.MemoryMap ddr =
                new org.hwpersonality.api.profile.MemoryMap(List.of(new org.hwpersonality.api.profile.MemorySegment(
                        "ddr0", org.hwpersonality.api.profile.MemorySegment.MemoryKind.DDR, 0, 1L << 30)));
        Path image = image(U55C_SHELL);

        assertThatThrownBy(() ->
                        backend.program(new ProgrammingRequest(U55C, "0", image, SHA, "p1", List.of(), ddr, List.of())))
                .isInstanceOf(BackendException.class)
                .hasMessage("memory segment 'ddr0' is DDR but device 0000:d8:00.1 has HBM 65536 MiB");
        assertThat(log()).noneMatch(l -> l.startsWith("program"));
        assertThat(backend.offer("alveo-u280").memoryMb())
                .containsOnlyKeys(
                        org.hwpersonality.api.profile.MemorySegment.MemoryKind.DDR,
                        org.hwpersonality.api.profile.MemorySegment.MemoryKind.HBM);
        assertThat(backend.offer("xilinx").memoryMb())
                .as("an unknown family is not checked")
                .isEmpty();

        backend.program(new ProgrammingRequest(U250, "0", image(U250_SHELL), SHA, "p1", List.of(), ddr, List.of()));
        assertThat(log()).anyMatch(l -> l.startsWith("program --device 0000:3b:00.1"));
    }

    /** The U55C's real readings (see xbutil.sh); the other card reads N/A and has no sensors. */
    @Test
    void readsBoardPowerAndTemperaturesFromXbutil() throws IOException {
        CardReadings u55c = backend.readings(U55C).orElseThrow();

        assertThat(u55c.powerWatts()).contains(49.658128);
        assertThat(u55c.temperaturesC())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "pcb_top_front", 42.0,
                        "pcb_top_rear", 39.0,
                        "cage_temp_0", 37.0,
                        "fpga0", 57.0,
                        "int_vcc", 50.0,
                        "fpga_hbm", 52.0));
        assertThat(u55c.describe()).isEqualTo("49.7 W, hottest fpga0 57.0 °C");
        assertThat(log())
                .contains("examine --device 0000:d8:00.1 --report electrical thermal --format JSON --output <out>");

        CardReadings none = backend.readings(U250).orElseThrow();
        assertThat(none.powerWatts()).isEmpty();
        assertThat(none.temperaturesC()).isEmpty();
        assertThat(none.describe()).isEqualTo("power not reported");

        assertThatThrownBy(() -> backend.readings("0000:af:00.1"))
                .isInstanceOf(BackendException.class)
                .extracting(e -> ((BackendException) e).kind())
                .isEqualTo(BackendException.Kind.UNKNOWN_DEVICE);
    }

    /**
     * The configured workload command runs on the host with the workload and the card's BDF; its figures are
     * what {@code measure} returns, with the card's own power sensor where the command printed no power.
     */
    @Test
    void measureRunsTheWorkloadCommandAndTakesPowerFromTheCard() throws IOException {
        Path bench = workloadScript("""
                echo "$@" >> "$(dirname "$0")/bench.log"
                echo "kernel: vadd, 4 compute units"
                echo "throughputGops=38.5"
                echo "latencyUs = 120.25"
                """);
        XrtBackend measuring = measuring(bench + " --workload {workload} --device {device} --region {region}");
        assertThatThrownBy(() -> measuring.measure(U55C, "0", "compression"))
                .as("nothing loaded, nothing to measure")
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("no xclbin loaded");
        measuring.program(request(U55C, image(U55C_SHELL)));

        PerformanceFigures figures = measuring.measure(U55C, "0", "compression").orElseThrow();

        assertThat(figures).isEqualTo(new PerformanceFigures(38.5, 120.25, 49.658128));
        assertThat(Files.readAllLines(tools.resolve("bench.log")))
                .containsExactly("--workload compression --device 0000:d8:00.1 --region 0");
        assertThat(backend.measure(U55C, "0", "compression"))
                .as("without a workload command nothing is measured")
                .isEmpty();
    }

    @Test
    void aWorkloadCommandsOwnPowerWinsAndItsFailuresAreNamed() throws IOException {
        backend.program(request(U250, image(U250_SHELL)));
        XrtBackend own = measuring(workloadScript("printf 'throughputGops=10\\nlatencyUs=5\\npowerWatts=61.5\\n'\n")
                .toString());
        assertThat(own.measure(U250, "0", "x")).contains(new PerformanceFigures(10, 5, 61.5));

        XrtBackend noPower = measuring(
                workloadScript("printf 'throughputGops=10\\nlatencyUs=5\\n'\n").toString());
        assertThatThrownBy(() -> noPower.measure(U250, "0", "x"))
                .as("the U250 reads no power")
                .hasMessageContaining("printed no powerWatts and device 0000:3b:00.1 reports no board power");

        XrtBackend failing = measuring(
                workloadScript("echo 'ERROR: no such kernel' >&2; exit 3\n").toString());
        assertThatThrownBy(() -> failing.measure(U250, "0", "sql"))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining(
                        "the workload command for sql on 0000:3b:00.1 exited with 3: ERROR: no such kernel");

        XrtBackend garbled = measuring(
                workloadScript("echo throughputGops=fast; echo latencyUs=1\n").toString());
        assertThatThrownBy(() -> garbled.measure(U250, "0", "sql"))
                .hasMessageContaining("printed throughputGops=fast, which is not a figure");
    }

    private XrtBackend measuring(String command) {
        return new XrtBackend(
                xbutil,
                Duration.ofSeconds(20),
                Duration.ofSeconds(20),
                U250_CAPACITY,
                Map.of(),
                firmware,
                WorkloadCommand.of(command, Duration.ofSeconds(20)));
    }

    private int scripts;

    private Path workloadScript(String body) throws IOException {
        Path script = tools.resolve("bench-" + scripts++ + ".sh");
        Files.writeString(script, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    // ---------------------------------------------------------------------------------------------------------

    private Path image(String shell) throws IOException {
        return new XclbinWriter()
                .uuid(IMAGE_UUID)
                .interfaceUuid(shell)
                .typical()
                .write(images.resolve(shell + ".xclbin"));
    }

    private static ProgrammingRequest request(String device, Path image) {
        return request(device, image, List.of());
    }

    private static ProgrammingRequest request(
            String device, Path image, List<org.hwpersonality.api.profile.ClockSetting> clocks) {
        return new ProgrammingRequest(device, "0", image, SHA, "p1", clocks, null, List.of());
    }

    /** The logged xbutil invocations, with the temporary output path replaced by {@code <out>}. */
    private List<String> log() throws IOException {
        Path log = tools.resolve("calls.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log).stream()
                .map(l -> l.replaceAll("--output \\S+", "--output <out>"))
                .toList();
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = XrtBackendTest.class.getResourceAsStream("/xbutil/" + resource)) {
            Files.copy(in, target);
        }
    }
}
