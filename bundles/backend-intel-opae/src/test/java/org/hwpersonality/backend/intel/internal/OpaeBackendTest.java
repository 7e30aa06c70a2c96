package org.hwpersonality.backend.intel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.BackendException.Kind;
import org.hwpersonality.api.backend.CardReadings;
import org.hwpersonality.api.backend.DeviceDescriptor;
import org.hwpersonality.api.backend.ImageDescriptor;
import org.hwpersonality.api.backend.ProgrammingRequest;
import org.hwpersonality.api.backend.ProgrammingResult;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.profile.ClockSetting;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpaeBackendTest {
    static final String A10_FIM = "38d782e3-b612-5343-b934-2433e348ac4c";
    static final String D5005_FIM = "64c39726-fe2d-52ab-981f-ff49395db6e7";
    static final String NLB0 = "d8424dc4-a4a3-c413-f89e-433683f9040b";
    static final String HELLO = "850adcc2-6ceb-4b22-9722-d43375b61c66";
    static final String A10 = "0000:5e:00.0";
    static final String D5005 = "0000:86:00.0";

    @TempDir
    Path dir;

    FakeOpae opae;
    Path nlbForA10;
    Path helloForA10;
    Path helloForD5005;

    @BeforeEach
    void setUp() throws Exception {
        Path tools = Files.createDirectories(dir.resolve("tools"));
        opae = new FakeOpae(tools, "fme-two-cards.txt", "0000:5E:00.0 0x09C4", "0000:86:00.0 0xBCCE")
                .loaded("0000:5E:00.0", NLB0);
        nlbForA10 = GbsWriter.write(
                dir.resolve("nlb0.gbs"), GbsWriter.metadata(A10_FIM, NLB0, "400", "200"), GbsWriter.rbf(2048));
        helloForA10 = GbsWriter.write(
                dir.resolve("hello_afu.gbs"),
                GbsWriter.metadata(A10_FIM, HELLO, "\"auto-312.5\"", "\"auto\""),
                GbsWriter.rbf(4096));
        helloForD5005 = GbsWriter.write(
                dir.resolve("hello_afu_d5005.gbs"),
                GbsWriter.metadata(D5005_FIM, HELLO, "312", "156"),
                GbsWriter.rbf(4096));
    }

    /**
     * {@code fpgainfo power} and {@code temp} as the cards' BMCs answer them. Sources: the D5005's sensors are the
     * {@code fpgainfo bmc} output in the OFS D5005 quick-start guide (OFS/ofs.github.io,
     * docs/hw/d5005/user_guides/ug_qs_ofs_d5005), split into its power and temperature metrics as
     * {@code powerinfo.c} and {@code tempinfo.c} filter them (numbered again from 1, the card's address changed to
     * this fixture's); the PAC A10's {@code Total Input Power} and {@code No reading} lines are OPAE 1.x output in
     * gt-crnch-rg/read-the-docs docs/reconfig/fpga_power_measurement.rst; its {@code FPGA Die Temperature} line is
     * the N3000 sample in intel/sriov-fec-operator's prometheus_fpgainfo_exporter test.
     */
    @Test
    void readsBoardPowerAndTemperaturesFromTheBmc() throws Exception {
        opae.sensors("power-two-cards.txt", "temp-two-cards.txt");
        OpaeBackend backend = opae.backend();

        CardReadings d5005 = backend.readings(D5005).orElseThrow();
        // No total on the D5005: its two 12 V inputs, 12.17 V x 2.28 A + 12.14 V x 1.19 A.
        assertThat(d5005.powerWatts().orElseThrow()).isCloseTo(42.1942, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(d5005.temperaturesC())
                .hasSize(15)
                .containsEntry("FPGA Core Temperature", 42.5)
                .containsEntry("Board Inlet Air Temperature", 24.5)
                .doesNotContainKeys("QSFP0 Temperature", "QSFP1 Temperature");
        assertThat(d5005.describe()).isEqualTo("42.2 W, hottest FPGA Core Temperature 42.5 °C");

        CardReadings a10 = backend.readings(A10).orElseThrow();
        assertThat(a10.powerWatts()).contains(22.0);
        assertThat(a10.temperaturesC()).isEqualTo(Map.of("FPGA Die Temperature", 61.5));
        assertThat(opae.fpgainfoCalls()).contains("power", "temp");
    }

    /** A BMC that cannot be read ("Error reading metrics from BMC: not supported", exit 0) gives no readings. */
    @Test
    void aCardWithoutBmcReadingsReportsNone() throws Exception {
        CardReadings none = opae.backend().readings(A10).orElseThrow();

        assertThat(none.powerWatts()).isEmpty();
        assertThat(none.temperaturesC()).isEmpty();
        assertKind(() -> opae.backend().readings("0000:af:00.0"), Kind.UNKNOWN_DEVICE, "0000:af:00.0");
    }

    /** The workload command runs on the card's AFU; the board's power counts where it prints none. */
    @Test
    void measureRunsTheWorkloadCommandOnTheLoadedAfu() throws Exception {
        opae.sensors("power-two-cards.txt", "temp-two-cards.txt");
        Path bench = opae.bashScript("bench", """
                echo "$@" >> "$(dirname "$0")/bench.log"
                echo "throughputGops=12.5"
                echo "latencyUs=80"
                """);
        OpaeBackend measuring = opae.measuring(bench + " {workload} {device} {region}");

        assertThat(measuring.measure(A10, "0", "compression")).contains(new PerformanceFigures(12.5, 80, 22.0));
        assertThat(Files.readAllLines(bench.resolveSibling("bench.log"))).containsExactly("compression " + A10 + " 0");
        assertKind(() -> measuring.measure(D5005, "0", "compression"), Kind.DEVICE_ERROR, "shows no AFU");
        assertKind(() -> measuring.measure(A10, "1", "compression"), Kind.UNKNOWN_DEVICE, "not '1'");
        assertThat(opae.backend().measure(A10, "0", "compression"))
                .as("no workload command, nothing measured")
                .isEmpty();
    }

    /** A legacy bitstream (no metadata) is checked by its header's PR interface ID and loaded as libopae does. */
    @Test
    void loadsALegacyBitstreamByItsHeadersInterfaceId() throws Exception {
        byte[] id = java.util.HexFormat.of().parseHex(A10_FIM.replace("-", ""));
        java.nio.ByteBuffer legacy = java.nio.ByteBuffer.allocate(20 + 2048)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(0x1d1f8680);
        for (int i = 15; i >= 0; i--) {
            legacy.put(id[i]);
        }
        legacy.put(GbsWriter.rbf(2048));
        Path image = Files.write(dir.resolve("legacy_nlb.gbs"), legacy.array());
        OpaeBackend backend = opae.backend();

        assertThat(backend.inspect(image).interfaceId()).contains(A10_FIM.replace("-", ""));
        assertThat(backend.inspect(image).imageUuid()).isEmpty();
        assertThat(backend.program(request(A10, image)).skipped()).isFalse();
        assertThat(opae.fpgaconfCalls()).anyMatch(c -> c.contains("-B 0x5e") && c.endsWith(image.toString()));
        assertKind(
                () -> backend.program(request(D5005, image)), Kind.INCOMPATIBLE, "built for PR interface " + A10_FIM);
    }

    /**
     * The D5005's BMC names QSFP0 and QSFP1 sensors (its two cages); its memory is DDR4: a third cage or an HBM map is
     * refused before fpgaconf runs.
     */
    @Test
    void memoryMapsAndPeripheralsTheCardLacksAreRefused() throws Exception {
        opae.sensors("power-two-cards.txt", "temp-two-cards.txt");
        OpaeBackend backend = opae.backend();
        org.hwpersonality.api.profile.MemoryMap hbm =
                new org.hwpersonality.api.profile.MemoryMap(List.of(new org.hwpersonality.api.profile.MemorySegment(
                        "hbm0", org.hwpersonality.api.profile.MemorySegment.MemoryKind.HBM, 0, 1L << 30)));

        assertKind(
                () -> backend.program(new ProgrammingRequest(
                        D5005, "0", helloForD5005, sha(helloForD5005), "p", List.of(), hbm, List.of())),
                Kind.INCOMPATIBLE,
                "memory segment 'hbm0' is HBM but device 0000:86:00.0 has DDR 8192 MiB");
        assertKind(
                () -> backend.program(new ProgrammingRequest(
                        D5005,
                        "0",
                        helloForD5005,
                        sha(helloForD5005),
                        "p",
                        List.of(),
                        null,
                        List.of(new org.hwpersonality.api.profile.PeripheralSetting("qsfp2", Map.of())))),
                Kind.INCOMPATIBLE,
                "peripheral 'qsfp2' is not on device 0000:86:00.0, which has qsfp0, qsfp1");
        assertThat(opae.fpgaconfCalls()).isEmpty();

        backend.program(new ProgrammingRequest(
                D5005,
                "0",
                helloForD5005,
                sha(helloForD5005),
                "p",
                List.of(),
                null,
                List.of(new org.hwpersonality.api.profile.PeripheralSetting("qsfp1", Map.of("speed", "100G")))));
        assertThat(opae.fpgaconfCalls()).hasSize(1);
    }

    @Test
    void discoversTwoCards() {
        List<DeviceDescriptor> devices = opae.backend().discover();

        assertThat(devices).extracting(DeviceDescriptor::id).containsExactly(A10, D5005);
        DeviceDescriptor a10 = devices.get(0);
        assertThat(a10.family()).isEqualTo("pac-a10");
        assertThat(a10.model()).isEqualTo("Intel FPGA card (device id 0x09C4)");
        assertThat(a10.interfaceId()).isEqualTo("38d782e3b6125343b9342433e348ac4c");
        assertThat(a10.health().healthy()).isTrue();
        assertThat(a10.regions()).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("0");
            assertThat(r.kind()).isEqualTo(RegionKind.PARTIAL);
            assertThat(r.capacity()).isEqualTo(FakeOpae.CAPACITY);
            assertThat(r.loadedImageUuid()).contains("d8424dc4a4a3c413f89e433683f9040b");
            assertThat(r.loadedImage()).isEmpty();
        });
        DeviceDescriptor d5005 = devices.get(1);
        assertThat(d5005.model()).isEqualTo("Intel FPGA Programmable Acceleration Card D5005");
        assertThat(d5005.family()).isEqualTo("pac-s10");
        assertThat(d5005.interfaceId()).isEqualTo("64c39726fe2d52ab981fff49395db6e7");
        assertThat(d5005.regions().get(0).loadedImageUuid()).isEmpty();
    }

    @Test
    void derivesFamilyFromBoardNameElseConfiguredDefault() throws Exception {
        opae.fme("fme-n6001-errors.txt").ports("0000:B1:00.0 0xBCCE");
        assertThat(opae.backend().discover())
                .singleElement()
                .satisfies(d -> assertThat(d.family()).isEqualTo("agilex-f"));

        opae.fmeText(FpgaInfoTest.resource("fme-n6001-errors.txt")
                .replace("Intel Acceleration Development Platform N6001\n", ""));
        OpaeBackend configured = new OpaeBackend(
                opae.fpgainfo,
                opae.fpgaconf,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                "agilex-i",
                FakeOpae.CAPACITY,
                Optional.empty(),
                opae.fpgasupdate,
                java.util.Set.of(),
                opae.userclk,
                Optional.empty());
        assertThat(configured.discover())
                .singleElement()
                .satisfies(d -> assertThat(d.family()).isEqualTo("agilex-i"));
    }

    /**
     * The guest function: with SR-IOV the port a VF shows (the one with the AFU first), the FME staying on the PF;
     * without VFs, the PF's own port. Port layout as in port-sriov.txt (an N6001 with VFs, OFS docs).
     */
    @Test
    void theGuestFunctionIsTheVirtualFunctionWhenSrIovMadeOneElseThePortItself() throws Exception {
        opae.fme("fme-n6001-errors.txt")
                .ports("0000:B1:00.0 0xBCCE", "0000:B1:00.6 0xBCCF", "0000:B1:00.7 0xBCCF")
                .loaded("0000:B1:00.7", "4dadea34-2c78-48cb-a3dc-5b831f5cecbb");
        assertThat(opae.backend().discover())
                .singleElement()
                .satisfies(d -> assertThat(d.regions().get(0).guestFunction())
                        .contains(new org.hwpersonality.api.device.PciAddress(0, 0xb1, 0, 7)));

        opae.ports("0000:B1:00.0 0xBCCE", "0000:B1:00.6 0xBCCF");
        assertThat(opae.backend().discover().get(0).regions().get(0).guestFunction())
                .as("no VF shows an AFU: the first VF")
                .contains(new org.hwpersonality.api.device.PciAddress(0, 0xb1, 0, 6));

        opae.ports("0000:B1:00.0 0xBCCE");
        assertThat(opae.backend().discover().get(0).regions().get(0).guestFunction())
                .as("no VF: the physical function's port")
                .contains(new org.hwpersonality.api.device.PciAddress(0, 0xb1, 0, 0));

        opae.ports("0000:3B:00.0 0xBCCE");
        assertThat(opae.backend().discover().get(0).regions().get(0).guestFunction())
                .as("no port of this card")
                .isEmpty();
    }

    /** A card whose FME shows no PR interface ID is listed, unhealthy with the reason, not dropped. */
    @Test
    void aCardWithoutAPrInterfaceIdIsListedUnhealthyWithTheReason() throws Exception {
        opae.fmeText(FpgaInfoTest.resource("fme-two-cards.txt")
                .replace("Pr Interface Id                  : 64c39726-fe2d-52ab-981f-ff49395db6e7\n", ""));
        List<DeviceDescriptor> devices = opae.backend().discover();
        assertThat(devices).extracting(DeviceDescriptor::id).containsExactly(A10, D5005);
        DeviceDescriptor bare = devices.get(1);
        assertThat(bare.health().healthy()).isFalse();
        assertThat(bare.health().message()).contains("fpgainfo fme shows no Pr Interface Id");
        assertThat(bare.interfaceId()).isEqualTo(OpaeBackend.NO_INTERFACE);
        assertThat(devices.get(0).health().healthy())
                .as("the other card is untouched")
                .isTrue();
    }

    @Test
    void discoversNothingWhenOpaeFindsNoCard() throws Exception {
        opae.fmeText("");

        assertThat(opae.backend().discover()).isEmpty();
    }

    @Test
    void inspectsAGbs() {
        ImageDescriptor image = opae.backend().inspect(helloForA10);

        assertThat(image.format()).isEqualTo(ImageFormat.GBS);
        assertThat(image.interfaceId()).contains("38d782e3b6125343b9342433e348ac4c");
        assertThat(image.imageUuid()).contains("850adcc26ceb4b229722d43375b61c66");
        assertThat(image.sizeBytes()).isEqualTo(4096);
        assertThat(image.clocksMhz()).isEqualTo(Map.of("clock-frequency-high", 312.5));
    }

    @Test
    void programsThenSkipsTheSameImage() throws Exception {
        OpaeBackend backend = opae.backend();

        ProgrammingResult first = backend.program(request(A10, helloForA10));

        assertThat(first.skipped()).isFalse();
        assertThat(opae.fpgaconfCalls()).containsExactly("-V -B 0x5e -D 0x0 -F 0x0 " + helloForA10.toAbsolutePath());
        DeviceDescriptor after = backend.status(A10);
        assertThat(after.regions().get(0).loadedImageUuid()).contains("850adcc26ceb4b229722d43375b61c66");
        assertThat(after.regions().get(0).loadedImage()).contains(sha(helloForA10));

        ProgrammingResult second = backend.program(request(A10, helloForA10));

        assertThat(second.skipped()).isTrue();
        assertThat(second.durationMs()).isZero();
        assertThat(opae.fpgaconfCalls()).hasSize(1);
    }

    @Test
    void skipsAnImageTheCardAlreadyHolds() throws Exception {
        ProgrammingResult result = opae.backend().program(request(A10, nlbForA10));

        assertThat(result).isEqualTo(new ProgrammingResult(0, true));
        assertThat(opae.fpgaconfCalls()).isEmpty();
    }

    @Test
    void refusesAnotherFimsImageNamingBothInterfaces() throws Exception {
        OpaeBackend backend = opae.backend();

        assertKind(() -> backend.program(request(A10, helloForD5005)), Kind.INCOMPATIBLE, D5005_FIM, A10_FIM);
        assertKind(() -> backend.validate(backend.inspect(helloForA10), D5005), Kind.INCOMPATIBLE, A10_FIM, D5005_FIM);
        backend.validate(backend.inspect(helloForD5005), D5005);
        assertThat(opae.fpgaconfCalls()).isEmpty();
    }

    @Test
    void refusesACorruptImageWithoutRunningFpgaconf() throws Exception {
        Path broken = Files.write(dir.resolve("broken.gbs"), new byte[] {1, 2, 3, 4});

        assertKind(() -> opae.backend().program(request(A10, broken)), Kind.CORRUPT_IMAGE, "GBS header");
        assertThat(opae.fpgaconfCalls()).isEmpty();
    }

    @Test
    void reportsAFailingFpgaconf() throws Exception {
        opae.set("fpgaconf.fail");
        OpaeBackend backend = opae.backend();

        assertKind(
                () -> backend.program(request(A10, helloForA10)),
                Kind.DEVICE_ERROR,
                "fpgaconf failed to program " + A10 + " with ",
                "(exit 5)",
                "PR CRC error detected",
                "Error writing bitstream to FPGA: reconfiguration error");
        assertThat(backend.status(A10).regions().get(0).loadedImageUuid()).contains("d8424dc4a4a3c413f89e433683f9040b");
    }

    /**
     * fpgaconf's exit codes (fpgaconf.c main(), OPAE 1.4 to 2.x) become distinct errors: 4 with the interface IDs it
     * prints under -V (a FIM changed since fpgainfo was read), 4 without them (no card at the address), 2 for a
     * bitstream it will not load; OPAE 1.3 and older refuse -V, and the back end runs it again without.
     */
    @Test
    void fpgaconfExitCodesBecomeDistinctErrors() throws Exception {
        String newFim = "b7b3cc22-7a3c-4d63-9ad5-4d8e95b1a7e0";
        java.nio.file.Files.writeString(opae.dir.resolve("fpgaconf.fim"), newFim + "\n");
        assertKind(
                () -> opae.backend().program(request(A10, helloForA10)),
                Kind.INCOMPATIBLE,
                "fpgaconf found no suitable slot (exit 4): " + A10 + " has PR interface " + newFim,
                "was built for " + A10_FIM);
        java.nio.file.Files.delete(opae.dir.resolve("fpgaconf.fim"));

        // The tool's own output for a file that is no GBS (exit 2), read as the back end reads it.
        Path notGbs = java.nio.file.Files.writeString(opae.dir.resolve("not.gbs"), "PK this is a zip, not a GBS");
        org.hwpersonality.api.backend.CommandRunner.Result r = new org.hwpersonality.api.backend.CommandRunner()
                .run(
                        List.of(
                                opae.fpgaconf.toString(),
                                "-V",
                                "-B",
                                "0x5e",
                                "-D",
                                "0x0",
                                "-F",
                                "0x0",
                                notGbs.toString()),
                        Duration.ofSeconds(10));
        assertThat(r.exitCode()).isEqualTo(2);
        BackendException corrupt = FpgaconfExit.failure(r, A10, notGbs.toString());
        assertThat(corrupt.kind()).isEqualTo(Kind.CORRUPT_IMAGE);
        assertThat(corrupt.getMessage())
                .contains(
                        "could not load the bitstream " + notGbs + " (exit 2; the region of " + A10 + " is unchanged)")
                .contains("GBS guid is invalid");

        // No card at the address: exit 4 without interface IDs.
        org.hwpersonality.api.backend.CommandRunner.Result nowhere = new org.hwpersonality.api.backend.CommandRunner()
                .run(
                        List.of(
                                opae.fpgaconf.toString(),
                                "-V",
                                "-B",
                                "0x99",
                                "-D",
                                "0x0",
                                "-F",
                                "0x0",
                                helloForA10.toString()),
                        Duration.ofSeconds(10));
        assertThat(FpgaconfExit.failure(nowhere, "0000:99:00.0", helloForA10.toString())
                        .kind())
                .isEqualTo(Kind.UNKNOWN_DEVICE);

        // OPAE 1.3 and older know no -V: the programming runs again without it, and works.
        opae.set("fpgaconf.old");
        int before = opae.fpgaconfCalls().size();
        opae.backend().program(request(A10, helloForA10));
        assertThat(opae.fpgaconfCalls().subList(before, opae.fpgaconfCalls().size()))
                .containsExactly(
                        "-V -B 0x5e -D 0x0 -F 0x0 " + helloForA10.toAbsolutePath(),
                        "-B 0x5e -D 0x0 -F 0x0 " + helloForA10.toAbsolutePath());
    }

    /**
     * OFS cards load PR images with fpgasupdate (configured per family); its own interface check and fpgaconf's
     * failures come back as the same errors.
     */
    @Test
    void familiesConfiguredForFpgasupdateAreProgrammedWithIt() throws Exception {
        OpaeBackend backend = opae.updating("pac-a10");
        ProgrammingResult done = backend.program(request(A10, helloForA10));
        assertThat(done.durationMs()).isNotNegative();
        assertThat(opae.fpgasupdateCalls()).containsExactly(helloForA10.toAbsolutePath() + " " + A10);
        assertThat(opae.fpgaconfCalls())
                .as("fpgasupdate runs fpgaconf itself")
                .containsExactly(
                        "--segment 0x0000 --bus 0x5e --device 0x00 --function 0x0 " + helloForA10.toAbsolutePath());
        assertThat(backend.status(A10).regions().get(0).loadedImageUuid()).contains(HELLO.replace("-", ""));

        java.nio.file.Files.writeString(opae.dir.resolve("fpgaconf.fim"), "b7b3cc22-7a3c-4d63-9ad5-4d8e95b1a7e0\n");
        assertKind(
                () -> backend.program(request(A10, nlbForA10)),
                Kind.INCOMPATIBLE,
                "fpgasupdate refused",
                "PR interface uuid mismatch");
        java.nio.file.Files.delete(opae.dir.resolve("fpgaconf.fim"));

        opae.set("fpgaconf.fail");
        assertKind(
                () -> backend.program(request(A10, nlbForA10)),
                Kind.DEVICE_ERROR,
                "(exit 5)",
                "Error writing bitstream to FPGA: reconfiguration error");
        assertThat(opae.backend().discover())
                .as("a family not configured for it keeps fpgaconf")
                .isNotEmpty();
    }

    @Test
    void reportsAProgrammingThatDidNotTakeEffect() throws Exception {
        opae.set("fpgaconf.noeffect");

        assertKind(
                () -> opae.backend().program(request(A10, helloForA10)),
                Kind.DEVICE_ERROR,
                "shows accelerator " + NLB0,
                "instead of " + HELLO);
    }

    @Test
    void timesOutAHangingFpgainfo() throws Exception {
        opae.set("fpgainfo.hang");
        OpaeBackend backend = opae.backend(Duration.ofMillis(700), Duration.ofSeconds(10), Optional.empty());

        long start = System.nanoTime();
        assertKind(backend::discover, Kind.TIMEOUT, "700 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    }

    @Test
    void timesOutAHangingFpgaconf() throws Exception {
        opae.set("fpgaconf.hang");
        OpaeBackend backend = opae.backend(Duration.ofSeconds(10), Duration.ofMillis(800), Optional.empty());

        long start = System.nanoTime();
        assertKind(() -> backend.program(request(A10, helloForA10)), Kind.TIMEOUT, "800 ms", "unknown image");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(7));
    }

    @Test
    void refusesUnknownDevicesAndRegions() throws Exception {
        OpaeBackend backend = opae.backend();

        assertKind(() -> backend.status("0000:af:00.0"), Kind.UNKNOWN_DEVICE, "0000:af:00.0");
        assertKind(() -> backend.status("fpga7"), Kind.UNKNOWN_DEVICE, "fpga7");
        assertKind(() -> backend.program(request("0000:af:00.0", helloForA10)), Kind.UNKNOWN_DEVICE, "0000:af:00.0");
        assertKind(
                () -> backend.validate(backend.inspect(helloForA10), "0000:af:00.0"),
                Kind.UNKNOWN_DEVICE,
                "0000:af:00.0");
        assertKind(() -> backend.clear(A10, "1"), Kind.UNKNOWN_DEVICE, "'1'");
        assertThat(opae.fpgaconfCalls()).isEmpty();
    }

    @Test
    void acceptsAddressesInFpgainfoSpelling() {
        assertThat(opae.backend().status("0000:5E:00.0").id()).isEqualTo(A10);
    }

    @Test
    void refusesToClearWithoutABlankImage() throws Exception {
        assertKind(() -> opae.backend().clear(A10, "0"), Kind.DEVICE_ERROR, "keeps its AFU until it is reprogrammed");
        assertThat(opae.fpgaconfCalls()).isEmpty();
    }

    @Test
    void clearsByProgrammingTheConfiguredBlankImage() throws Exception {
        Path blank = GbsWriter.write(
                dir.resolve("blank.gbs"),
                GbsWriter.metadata(A10_FIM, "00000000-0000-0000-0000-0000000000b1", "100", "50"),
                GbsWriter.rbf(64));
        OpaeBackend backend = opae.backend(Duration.ofSeconds(10), Duration.ofSeconds(10), Optional.of(blank));

        backend.clear(A10, "0");

        assertThat(opae.fpgaconfCalls()).containsExactly("-V -B 0x5e -D 0x0 -F 0x0 " + blank.toAbsolutePath());
        assertThat(backend.status(A10).regions().get(0).loadedImageUuid()).contains("000000000000000000000000000000b1");
    }

    @Test
    void addressesANonZeroSegment() throws Exception {
        opae.fmeText(FpgaInfoTest.resource("fme-two-cards.txt").replace("0000:86:00.0", "0001:3B:00.1"))
                .ports("0000:5E:00.0 0x09C4", "0001:3B:00.1 0xBCCE");
        OpaeBackend backend = opae.backend();

        backend.program(request("0001:3b:00.1", helloForD5005));

        assertThat(opae.fpgaconfCalls())
                .containsExactly("-V --segment 0x1 -B 0x3b -D 0x0 -F 0x1 " + helloForD5005.toAbsolutePath());
        assertThat(backend.status("0001:3b:00.1").regions().get(0).loadedImageUuid())
                .contains("850adcc26ceb4b229722d43375b61c66");
    }

    @Test
    void aProfilesClocksAreSetWithUserclkAfterLoadingAndAgainWithoutReconfiguring() throws Exception {
        OpaeBackend backend = opae.backend();
        // hello_afu for the D5005 declares 312/156 MHz; the derived profile runs its kernel (uClk_usr) at 250.
        ProgrammingResult first = backend.program(clocked(D5005, helloForD5005, "kernel", 250));

        assertThat(first.skipped()).isFalse();
        assertThat(opae.fpgaconfCalls()).containsExactly("-V -B 0x86 -D 0x0 -F 0x0 " + helloForD5005.toAbsolutePath());
        assertThat(opae.userclkCalls()).containsExactly("-B 0x86 -D 0x0 -F 0x0 -H 250 -L 125");
        assertThat(opae.userClocks("0000:86:00.0")).isEqualTo("250 125");

        assertThat(backend.program(clocked(D5005, helloForD5005, "kernel", 250)).skipped())
                .as("same image, same clocks")
                .isTrue();
        assertThat(opae.userclkCalls()).hasSize(1);

        // Another clock: userclk alone, the AFU stays loaded.
        assertThat(backend.program(clocked(D5005, helloForD5005, "uClk_usrDiv2", 100))
                        .skipped())
                .isFalse();
        assertThat(opae.fpgaconfCalls()).hasSize(1);
        assertThat(opae.userclkCalls()).last().isEqualTo("-B 0x86 -D 0x0 -F 0x0 -H 200 -L 100");

        // The parent profile (the image's own clocks) puts them back, still without reconfiguring.
        backend.program(request(D5005, helloForD5005));
        assertThat(opae.fpgaconfCalls()).hasSize(1);
        assertThat(opae.userclkCalls()).last().isEqualTo("-B 0x86 -D 0x0 -F 0x0 -H 312 -L 156");
        assertThat(opae.userClocks("0000:86:00.0")).isEqualTo("312 156");
    }

    @Test
    void anImageLoadedAtItsOwnClocksNeedsNoUserclk() throws Exception {
        opae.backend().program(clocked(D5005, helloForD5005, "clock-frequency-high", 312));

        assertThat(opae.fpgaconfCalls()).hasSize(1);
        assertThat(opae.userclkCalls()).as("fpgaconf set the declared clocks").isEmpty();
        assertThat(opae.userClocks("0000:86:00.0")).isEqualTo("312 156");
    }

    @Test
    void clocksAnAfuCannotTakeAreRefusedBeforeAnythingRuns() throws Exception {
        OpaeBackend backend = opae.backend();
        assertKind(
                () -> backend.program(clocked(D5005, helloForD5005, "hbm", 450)),
                Kind.INCOMPATIBLE,
                "sets clock 'hbm'",
                "two user clocks");
        ProgrammingRequest skewed = new ProgrammingRequest(
                D5005,
                "0",
                helloForD5005,
                sha(helloForD5005),
                "p1",
                List.of(new ClockSetting("kernel", 300), new ClockSetting("uClk_usrDiv2", 100)),
                null,
                List.of());
        assertKind(() -> backend.program(skewed), Kind.INCOMPATIBLE, "300.0 / 100.0 MHz", "about twice");
        assertThat(opae.fpgaconfCalls()).isEmpty();
        assertThat(opae.userclkCalls()).isEmpty();
    }

    @Test
    void aFailingUserclkIsReportedAndTheClocksAreSetAgainNextTime() throws Exception {
        OpaeBackend backend = opae.backend();
        opae.set("userclk.fail");
        assertKind(
                () -> backend.program(clocked(D5005, helloForD5005, "kernel", 250)),
                Kind.DEVICE_ERROR,
                "userclk could not set the user clocks of 0000:86:00.0 to 250.0 / 125.0 MHz (exit 3)",
                "Error Failed to set user clock: exception",
                "its clocks are unknown");
        Files.delete(opae.dir.resolve("userclk.fail"));

        assertThat(backend.program(clocked(D5005, helloForD5005, "kernel", 250)).skipped())
                .as("the AFU is loaded but its clocks were not set: set them now")
                .isFalse();
        assertThat(opae.fpgaconfCalls()).hasSize(1);
        assertThat(opae.userClocks("0000:86:00.0")).isEqualTo("250 125");

        // A PLL that does not reach the frequency asked for is a failure that names both.
        Files.writeString(opae.dir.resolve("userclk.pll"), "200 100\n");
        assertKind(
                () -> backend.program(clocked(D5005, helloForD5005, "kernel", 240)),
                Kind.DEVICE_ERROR,
                "userclk set 240.0 / 120.0 MHz on 0000:86:00.0 but the card reports 200.0 / 100.0 MHz");
    }

    private static ProgrammingRequest clocked(String device, Path image, String clock, double mhz) throws Exception {
        return new ProgrammingRequest(
                device, "0", image, sha(image), "p1", List.of(new ClockSetting(clock, mhz)), null, List.of());
    }

    @Test
    void measuresNothing() {
        assertThat(opae.backend().measure(A10, "0", "nlb")).isEmpty();
        assertThat(opae.backend().vendor()).isEqualTo("intel");
    }

    private static ProgrammingRequest request(String device, Path image) throws Exception {
        return new ProgrammingRequest(device, "0", image, sha(image), "p1", List.of(), null, List.of());
    }

    private static Sha256 sha(Path file) throws Exception {
        return Sha256.of(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
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
