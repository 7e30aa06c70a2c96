package org.hwpersonality.backend.sim.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.api.artifact.SimImage;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.BackendException.Kind;
import org.hwpersonality.api.backend.DeviceDescriptor;
import org.hwpersonality.api.backend.ImageDescriptor;
import org.hwpersonality.api.backend.ProgrammingRequest;
import org.hwpersonality.api.backend.ProgrammingResult;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.profile.MemoryMap;
import org.hwpersonality.api.profile.MemorySegment;
import org.hwpersonality.api.profile.MemorySegment.MemoryKind;
import org.hwpersonality.api.profile.PeripheralSetting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimBackendTest {
    private static final String U250 = "00000000000000000000000000000250";
    private static final PerformanceFigures ZSTD = new PerformanceFigures(42, 150, 45);

    @TempDir
    Path dir;

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-11-25T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();

    private SimBackend backend(Map<String, Object> fleet) {
        SimBackend backend = new SimBackend();
        backend.bindFleet(new SimFleet(Configs.of(SimFleet.Config.class, fleet), clock));
        return backend;
    }

    private Path image(String name, String family, RegionKind kind, Optional<String> interfaceId, long payload)
            throws IOException {
        Path file = dir.resolve(name + "-" + family + "-" + kind + "-" + payload + ".sim");
        Files.write(
                file,
                new SimImage(name, "xilinx", family, interfaceId, kind, payload, Map.of("compression", ZSTD)).bytes());
        return file;
    }

    private static Sha256 sha(Path file) throws Exception {
        return Sha256.of(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static ProgrammingRequest request(String device, String region, Path image) throws Exception {
        return new ProgrammingRequest(device, region, image, sha(image), "zstd-u250-v1", List.of(), null, List.of());
    }

    @Test
    void fleetsAreDiscoveredWithTheirRegions() {
        SimBackend backend = backend(Map.of("devices", 2));
        backend.bindFleet(new SimFleet(
                Configs.of(
                        SimFleet.Config.class,
                        Map.of("idPrefix", "sim-u55c-", "devices", 1, "family", "alveo-u55c", "regions", 2)),
                clock));
        List<DeviceDescriptor> devices = backend.discover();
        assertThat(devices).extracting(DeviceDescriptor::id).containsExactly("sim-0", "sim-1", "sim-u55c-0");
        assertThat(devices.get(0).regions())
                .singleElement()
                .satisfies(r -> assertThat(r.kind()).isEqualTo(RegionKind.FULL));
        assertThat(devices.get(2).regions())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.kind()).isEqualTo(RegionKind.PARTIAL));
        assertThat(devices.get(0).interfaceId()).isEqualTo(U250);
        assertThat(backend.vendor()).isEqualTo("sim");
        // Synthetic guest functions: card i on bus i of the fleet's domain, region r at function r + 1.
        org.hwpersonality.api.device.PciAddress first =
                devices.get(0).regions().get(0).guestFunction().orElseThrow();
        assertThat(first.bus()).isZero();
        assertThat(first.function()).isEqualTo(1);
        assertThat(devices.get(1).regions().get(0).guestFunction())
                .contains(new org.hwpersonality.api.device.PciAddress(first.domain(), 1, 0, 1));
        assertThat(devices.get(2).regions())
                .extracting(r -> r.guestFunction().orElseThrow().function())
                .containsExactly(1, 2);
        assertThat(devices.get(2).regions().get(0).guestFunction().orElseThrow().domain())
                .as("another fleet, another domain")
                .isNotEqualTo(first.domain());
    }

    @Test
    void programmingTakesTheModelledTimeAndIsSkippedWhenLoaded() throws Exception {
        SimBackend backend = backend(Map.of("portBandwidthMBps", 800.0, "setupMs", 5L, "noise", 0.0));
        Path image = image("zstd-u250", "alveo-u250", RegionKind.FULL, Optional.empty(), 8_000_000);
        long size = Files.size(image);
        Duration model = new PortModel(800e6, Duration.ofMillis(5)).programmingTime(size);
        long start = System.nanoTime();
        ProgrammingResult result = backend.program(request("sim-0", "0", image));
        long took = System.nanoTime() - start;
        assertThat(result.skipped()).isFalse();
        assertThat(took).as("at least the modelled time").isGreaterThanOrEqualTo(model.toNanos());
        assertThat(result.durationMs()).isGreaterThanOrEqualTo(model.toNanos() / 1e6);
        assertThat(backend.status("sim-0").regions().get(0).loadedImage()).contains(sha(image));
        assertThat(backend.program(request("sim-0", "0", image))).isEqualTo(new ProgrammingResult(0, true));
        assertThat(backend.status("sim-1").regions().get(0).loadedImage())
                .as("the other card")
                .isEmpty();
    }

    @Test
    void portModelIsBytesOverBandwidthPlusSetup() {
        PortModel icap = new PortModel(PortModel.ICAP_200MHZ_32BIT, Duration.ofMillis(5));
        assertThat(icap.programmingTime(800_000_000)).isEqualTo(Duration.ofMillis(1005));
        assertThat(icap.programmingTime(0)).isEqualTo(Duration.ofMillis(5));
        assertThatThrownBy(() -> new PortModel(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void imagesForAnotherShellFamilyOrRegionKindAreRefused() throws Exception {
        SimBackend backend = backend(Map.of("setupMs", 0L));
        String other = "11111111111111111111111111111111";
        assertThatThrownBy(() -> backend.program(
                        request("sim-0", "0", image("x", "alveo-u250", RegionKind.FULL, Optional.of(other), 10))))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining(other)
                .hasMessageContaining(U250)
                .extracting(e -> ((BackendException) e).kind())
                .isEqualTo(Kind.INCOMPATIBLE);
        assertThatThrownBy(() -> backend.program(
                        request("sim-0", "0", image("x", "alveo-u55c", RegionKind.FULL, Optional.empty(), 10))))
                .hasMessageContaining("built for family alveo-u55c, device sim-0 is alveo-u250");
        assertThatThrownBy(() -> backend.program(
                        request("sim-0", "0", image("x", "alveo-u250", RegionKind.PARTIAL, Optional.empty(), 10))))
                .hasMessageContaining("is a PARTIAL image, region 0 of sim-0 is FULL");
        assertThat(backend.status("sim-0").regions().get(0).loadedImage())
                .as("region unchanged")
                .isEmpty();

        ImageDescriptor foreign =
                new ImageDescriptor(ImageFormat.SIM, Optional.of(other), Optional.empty(), 10, Map.of());
        assertThatThrownBy(() -> backend.validate(foreign, "sim-0"))
                .hasMessageContaining(other)
                .hasMessageContaining(U250);
        assertThatThrownBy(() -> backend.program(
                        request("sim-9", "0", image("x", "alveo-u250", RegionKind.FULL, Optional.empty(), 10))))
                .extracting(e -> ((BackendException) e).kind())
                .isEqualTo(Kind.UNKNOWN_DEVICE);
    }

    @Test
    void corruptAndTruncatedImagesAreRefused() throws Exception {
        SimBackend backend = backend(Map.of("setupMs", 0L));
        Path good = image("x", "alveo-u250", RegionKind.FULL, Optional.empty(), 1000);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.sim");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        Path corrupt = dir.resolve("corrupt.sim");
        bytes[200] ^= 1;
        Files.write(corrupt, bytes);
        assertThatThrownBy(() -> backend.program(request("sim-0", "0", truncated)))
                .hasMessageContaining("is truncated")
                .extracting(e -> ((BackendException) e).kind())
                .isEqualTo(Kind.CORRUPT_IMAGE);
        assertThatThrownBy(() -> backend.program(request("sim-0", "0", corrupt)))
                .hasMessageContaining("is corrupt");
        assertThatThrownBy(() -> backend.inspect(corrupt)).isInstanceOf(BackendException.class);
        assertThat(backend.inspect(good).format()).isEqualTo(ImageFormat.SIM);
        assertThat(backend.status("sim-0").regions().get(0).loadedImage()).isEmpty();
    }

    @Test
    void anInjectedFailureLeavesTheRegionAsItWas() throws Exception {
        SimBackend flaky = backend(Map.of("setupMs", 0L, "failureProbability", 0.5, "seed", 42L));
        Path first = image("first", "alveo-u250", RegionKind.FULL, Optional.empty(), 100);
        Path second = image("second", "alveo-u250", RegionKind.FULL, Optional.empty(), 100);
        int failures = 0;
        for (int attempt = 0; attempt < 200 && failures < 5; attempt++) {
            programUntilLoaded(flaky, first);
            try {
                flaky.program(request("sim-0", "0", second));
            } catch (BackendException e) {
                assertThat(e.kind()).isEqualTo(Kind.DEVICE_ERROR);
                assertThat(e.getMessage()).contains("injected fault");
                assertThat(flaky.status("sim-0").regions().get(0).loadedImage())
                        .as("still the first image")
                        .contains(sha(first));
                failures++;
            }
        }
        assertThat(failures).isEqualTo(5);
    }

    private void programUntilLoaded(SimBackend backend, Path image) throws Exception {
        for (int i = 0; i < 100; i++) {
            try {
                backend.program(request("sim-0", "0", image));
                return;
            } catch (BackendException e) {
                assertThat(e.kind()).isEqualTo(Kind.DEVICE_ERROR);
            }
        }
        throw new AssertionError("never programmed " + image);
    }

    @Test
    void anInjectedHangRunsIntoTheTimeoutAndLeavesTheRegionUnknown() throws Exception {
        SimBackend hanging = backend(Map.of("setupMs", 0L, "hangProbability", 1.0, "timeoutMs", 200L));
        Path image = image("x", "alveo-u250", RegionKind.FULL, Optional.empty(), 100);
        long start = System.nanoTime();
        assertThatThrownBy(() -> hanging.program(request("sim-0", "0", image)))
                .extracting(e -> ((BackendException) e).kind())
                .isEqualTo(Kind.TIMEOUT);
        assertThat(System.nanoTime() - start)
                .isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(hanging.status("sim-0").regions().get(0).loadedImage()).isEmpty();
    }

    /** A card configured with HBM and two QSFP cages (an Alveo U55C) refuses a DDR map or a third cage, untouched. */
    @Test
    void memoryMapsAndPeripheralsTheCardLacksAreRefused() throws Exception {
        SimBackend backend = backend(Map.of(
                "setupMs", 0L, "memoryKinds", "HBM=16384", "peripherals", "qsfp0, qsfp1", "regionMemoryMb", 16384L));
        Path image = image("zstd", "alveo-u250", RegionKind.FULL, Optional.empty(), 100);
        long gib = 1L << 30;
        MemoryMap ddr = new MemoryMap(List.of(new MemorySegment("ddr0", MemoryKind.DDR, 0, gib)));
        MemoryMap hbm = new MemoryMap(List.of(new MemorySegment("hbm0", MemoryKind.HBM, 0, 8 * gib)));
        BiFunction<MemoryMap, List<PeripheralSetting>, ProgrammingRequest> req = (map, peripherals) -> {
            try {
                return new ProgrammingRequest("sim-0", "0", image, sha(image), "p", List.of(), map, peripherals);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };

        assertThatThrownBy(() -> backend.program(req.apply(ddr, List.of())))
                .isInstanceOf(BackendException.class)
                .hasMessage("memory segment 'ddr0' is DDR but device sim-0 has HBM 16384 MiB");
        assertThatThrownBy(() -> backend.program(req.apply(hbm, List.of(new PeripheralSetting("qsfp2", Map.of())))))
                .hasMessage("peripheral 'qsfp2' is not on device sim-0, which has qsfp0, qsfp1");
        assertThat(backend.status("sim-0").regions().get(0).loadedImage())
                .as("refused before the port was touched")
                .isEmpty();

        assertThat(backend.program(req.apply(hbm, List.of(new PeripheralSetting("qsfp1", Map.of("speed", "100G")))))
                        .skipped())
                .isFalse();
        assertThat(backend.status("sim-0").regions().get(0).loadedImage()).contains(sha(image));
    }

    @Test
    void telemetryReportsTheDeclaredFiguresWithDrift() throws Exception {
        SimBackend backend = backend(Map.of("setupMs", 0L, "noise", 0.0, "driftPerHour", 0.2));
        assertThat(backend.measure("sim-0", "0", "compression"))
                .as("nothing loaded")
                .isEmpty();
        backend.program(request("sim-0", "0", image("zstd", "alveo-u250", RegionKind.FULL, Optional.empty(), 100)));
        assertThat(backend.measure("sim-0", "0", "compression")).contains(ZSTD);
        assertThat(backend.measure("sim-0", "0", "ml-inference"))
                .as("a workload it does not serve")
                .isEmpty();
        clock.now = clock.now.plus(Duration.ofHours(1));
        PerformanceFigures later = backend.measure("sim-0", "0", "compression").orElseThrow();
        assertThat(later.throughputGops()).isCloseTo(42 * 0.8, within(1e-9));
        assertThat(later.latencyUs()).isCloseTo(150 / 0.8, within(1e-9));
        backend.clear("sim-0", "0");
        assertThat(backend.measure("sim-0", "0", "compression")).isEmpty();
    }

    @Test
    void aProfilesClocksRetimeTheImageAndItsFiguresFollow() throws Exception {
        SimBackend backend = backend(Map.of("setupMs", 0L, "noise", 0.0, "portBandwidthMBps", 4000.0));
        Path file = dir.resolve("zstd-clocked.sim");
        // Built for kernel 300 MHz and data 150 MHz, delivering ZSTD there.
        Files.write(
                file,
                new SimImage(
                                "zstd-clocked",
                                "xilinx",
                                "alveo-u250",
                                Optional.empty(),
                                RegionKind.FULL,
                                1 << 16,
                                Map.of("compression", ZSTD),
                                Map.of("kernel", 300.0, "data", 150.0))
                        .bytes());
        assertThat(backend.inspect(file).clocksMhz()).isEqualTo(Map.of("kernel", 300.0, "data", 150.0));

        assertThat(backend.program(clocked(file, Map.of())).skipped()).isFalse();
        assertThat(backend.measure("sim-0", "0", "compression")).contains(ZSTD);

        // The same image with the kernel at 250 MHz is loaded again, and runs at 250/300 of its pace.
        assertThat(backend.program(clocked(file, Map.of("kernel", 250.0))).skipped())
                .as("another clock is another programming")
                .isFalse();
        PerformanceFigures slower = backend.measure("sim-0", "0", "compression").orElseThrow();
        assertThat(slower.throughputGops()).isCloseTo(42 * 250 / 300.0, within(1e-9));
        assertThat(slower.latencyUs()).isCloseTo(150 * 300 / 250.0, within(1e-9));
        assertThat(slower.powerWatts()).isCloseTo(45 * 250 / 300.0, within(1e-9));
        assertThat(backend.program(clocked(file, Map.of("kernel", 250.0))).skipped())
                .as("the same clocks again: reused")
                .isTrue();

        // The slowest clock relative to its build sets the pace: data at 120 of 150 MHz (0.8) beats kernel 330/300.
        backend.program(clocked(file, Map.of("kernel", 330.0, "data", 120.0)));
        assertThat(backend.measure("sim-0", "0", "compression").orElseThrow().throughputGops())
                .isCloseTo(42 * 0.8, within(1e-9));

        assertThatThrownBy(() -> backend.program(clocked(file, Map.of("hbm", 450.0))))
                .isInstanceOfSatisfying(
                        BackendException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INCOMPATIBLE))
                .hasMessageContaining("sets clock 'hbm'")
                .hasMessageContaining("has only data, kernel");
        assertThat(backend.measure("sim-0", "0", "compression").orElseThrow().throughputGops())
                .as("a refused clock leaves the region as it was")
                .isCloseTo(42 * 0.8, within(1e-9));

        // An image that declares no clocks runs as built whatever is set.
        Path plain = image("zstd", "alveo-u250", RegionKind.FULL, Optional.empty(), 1 << 16);
        backend.program(clocked(plain, Map.of("kernel", 250.0)));
        assertThat(backend.measure("sim-0", "0", "compression")).contains(ZSTD);
    }

    private static ProgrammingRequest clocked(Path image, Map<String, Double> clocks) throws Exception {
        return new ProgrammingRequest(
                "sim-0",
                "0",
                image,
                sha(image),
                "zstd-u250-v1",
                clocks.entrySet().stream()
                        .map(e -> new org.hwpersonality.api.profile.ClockSetting(e.getKey(), e.getValue()))
                        .toList(),
                null,
                List.of());
    }

    @Test
    void faultModelDrawsWithItsProbabilities() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        FaultModel tenPercent = new FaultModel(0.1, 0, Duration.ofSeconds(1));
        long failures = java.util.stream.IntStream.range(0, 20_000)
                .filter(i -> tenPercent.draw(random) == FaultModel.Outcome.FAILURE)
                .count();
        assertThat(failures / 20_000.0).isCloseTo(0.1, within(0.01));
        assertThatThrownBy(() -> new FaultModel(0.8, 0.3, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
