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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.artifact.SimImage;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.ProgrammingRequest;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.profile.ClockSetting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files in which a guest reads what the simulated card delivers to it. */
class GuestTelemetryTest {
    private static final PerformanceFigures ZSTD = new PerformanceFigures(42, 150, 45);

    @TempDir
    Path dir;

    /** A clock the test moves (read by the refresh thread too). */
    private static final class TestClock extends Clock {
        volatile Instant now = Instant.parse("2026-11-25T10:00:00Z");

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
    private final List<SimBackend> started = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(SimBackend::deactivate);
    }

    /** A back end of one fleet (sim-0, sim-1) whose guest telemetry goes to {@code guestDir}. */
    private SimBackend backend(Path guestDir, Map<String, Object> fleet) {
        SimBackend backend = new SimBackend();
        backend.bindFleet(new SimFleet(Configs.of(SimFleet.Config.class, fleet), clock));
        backend.activate(Configs.of(SimBackend.Config.class, Map.of("guestTelemetryDir", guestDir.toString())));
        started.add(backend);
        return backend;
    }

    private Path image(String name, Map<String, PerformanceFigures> performance, Map<String, Double> clocks)
            throws IOException {
        Path file = dir.resolve(name + ".sim");
        Files.write(
                file,
                new SimImage(
                                name,
                                "xilinx",
                                "alveo-u250",
                                Optional.empty(),
                                RegionKind.FULL,
                                1 << 12,
                                performance,
                                clocks)
                        .bytes());
        return file;
    }

    private static Sha256 sha(Path file) throws Exception {
        return Sha256.of(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static ProgrammingRequest request(String device, Path image, Map<String, Double> clocks) throws Exception {
        return new ProgrammingRequest(
                device,
                "0",
                image,
                sha(image),
                "zstd-u250-v1",
                clocks.entrySet().stream()
                        .map(e -> new ClockSetting(e.getKey(), e.getValue()))
                        .toList(),
                null,
                List.of());
    }

    /** The figures of a guest file by metric name, after checking it has exactly the comment and three lines. */
    private static Map<String, Double> figures(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("# what a guest on ");
        Map<String, Double> figures = new LinkedHashMap<>();
        for (String line : lines.subList(1, 4)) {
            String[] parts = line.split(" ");
            assertThat(parts).hasSize(2);
            figures.put(parts[0], Double.parseDouble(parts[1]));
        }
        assertThat(figures).containsOnlyKeys("hwp_throughput_gops", "hwp_latency_us", "hwp_power_watts");
        return figures;
    }

    private static void assertFigures(Path file, PerformanceFigures expected) throws IOException {
        Map<String, Double> figures = figures(file);
        assertThat(figures.get("hwp_throughput_gops")).isCloseTo(expected.throughputGops(), within(1e-9));
        assertThat(figures.get("hwp_latency_us")).isCloseTo(expected.latencyUs(), within(1e-9));
        assertThat(figures.get("hwp_power_watts")).isCloseTo(expected.powerWatts(), within(1e-9));
    }

    @Test
    void aProgrammedRegionsFileHoldsWhatMeasureGives() throws Exception {
        Path guest = dir.resolve("guest");
        SimBackend backend = backend(guest, Map.of("setupMs", 0L, "noise", 0.0));
        Path zstd = image("zstd", Map.of("compression", ZSTD), Map.of());
        assertThat(guest.resolve("sim-0").resolve("0.prom")).doesNotExist();

        backend.program(request("sim-0", zstd, Map.of()));

        Path file = guest.resolve("sim-0").resolve("0.prom");
        assertFigures(file, backend.measure("sim-0", "0", "compression").orElseThrow());
        assertFigures(file, ZSTD);
        assertThat(Files.readAllLines(file).get(0))
                .isEqualTo("# what a guest on sim-0 region 0 measures (simulated): image " + sha(zstd)
                        + ", workload compression");
        assertThat(guest.resolve("sim-1").resolve("0.prom"))
                .as("the other card holds nothing")
                .doesNotExist();
        try (var files = Files.list(file.getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(file);
        }
    }

    /** What a system test needs: a card that delivers less than the profile promised, as the guest reads it. */
    @Test
    void anImageDeclaringLessGivesLessInTheFile() throws Exception {
        Path guest = dir.resolve("guest");
        SimBackend backend = backend(guest, Map.of("setupMs", 0L, "noise", 0.0));
        PerformanceFigures weak = new PerformanceFigures(12, 400, 52);
        backend.program(request("sim-0", image("zstd-weak", Map.of("compression", weak), Map.of()), Map.of()));

        Map<String, Double> figures = figures(guest.resolve("sim-0").resolve("0.prom"));
        assertThat(figures.get("hwp_throughput_gops"))
                .as("below 0.8 of the 42 GOPS promised")
                .isEqualTo(12.0)
                .isLessThan(42 * 0.8);
        assertThat(figures.get("hwp_latency_us")).isEqualTo(400.0);
    }

    @Test
    void aProfilesClocksRetimeTheFiguresInTheFile() throws Exception {
        Path guest = dir.resolve("guest");
        SimBackend backend = backend(guest, Map.of("setupMs", 0L, "noise", 0.0));
        Path clocked = image("zstd-clocked", Map.of("compression", ZSTD), Map.of("kernel", 300.0));

        backend.program(request("sim-0", clocked, Map.of("kernel", 250.0)));

        PerformanceFigures slower = new PerformanceFigures(42 * 250 / 300.0, 150 * 300 / 250.0, 45 * 250 / 300.0);
        assertFigures(guest.resolve("sim-0").resolve("0.prom"), slower);
        assertFigures(
                guest.resolve("sim-0").resolve("0.prom"),
                backend.measure("sim-0", "0", "compression").orElseThrow());
    }

    @Test
    void aClearDeletesTheFileAndSoDoesStopping() throws Exception {
        Path guest = dir.resolve("guest");
        SimBackend backend = backend(guest, Map.of("setupMs", 0L, "noise", 0.0));
        Path zstd = image("zstd", Map.of("compression", ZSTD), Map.of());
        Path file = guest.resolve("sim-0").resolve("0.prom");
        backend.program(request("sim-0", zstd, Map.of()));
        assertThat(file).exists();

        backend.clear("sim-0", "0");
        assertThat(file).doesNotExist();

        backend.program(request("sim-0", zstd, Map.of()));
        assertThat(file).exists();
        backend.deactivate();
        assertThat(file).as("the simulated cards stop with the back end").doesNotExist();
    }

    @Test
    void aHangLeavesNoFile() throws Exception {
        Path guest = dir.resolve("guest");
        SimBackend backend = backend(guest, Map.of("setupMs", 0L, "hangProbability", 1.0, "timeoutMs", 10L));
        Path zstd = image("zstd", Map.of("compression", ZSTD), Map.of());
        assertThatThrownBy(() -> backend.program(request("sim-0", zstd, Map.of())))
                .isInstanceOfSatisfying(
                        BackendException.class, e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.TIMEOUT));
        assertThat(guest.resolve("sim-0").resolve("0.prom"))
                .as("the region is unknown")
                .doesNotExist();
    }

    @Test
    void driftShowsInTheRefreshedFile() throws Exception {
        Path guest = dir.resolve("guest");
        SimBackend backend = backend(guest, Map.of("setupMs", 0L, "noise", 0.0, "driftPerHour", 0.2));
        backend.program(request("sim-0", image("zstd", Map.of("compression", ZSTD), Map.of()), Map.of()));
        Path file = guest.resolve("sim-0").resolve("0.prom");
        assertFigures(file, ZSTD);

        clock.now = clock.now.plus(Duration.ofHours(1));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (figures(file).get("hwp_throughput_gops") == 42.0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(figures(file).get("hwp_throughput_gops"))
                .as("refreshed within a few seconds")
                .isCloseTo(42 * 0.8, within(1e-9));
        assertThat(figures(file).get("hwp_latency_us")).isCloseTo(150 / 0.8, within(1e-9));
    }

    @Test
    void anUnwritableDirectoryDoesNotFailProgramming() throws Exception {
        // A folder below a regular file cannot be made, whoever runs the test (root ignores permissions).
        Path notAFolder = Files.writeString(dir.resolve("not-a-folder"), "x");
        SimBackend backend = backend(notAFolder.resolve("guest"), Map.of("setupMs", 0L, "noise", 0.0));
        Path zstd = image("zstd", Map.of("compression", ZSTD), Map.of());

        assertThat(backend.program(request("sim-0", zstd, Map.of())).skipped()).isFalse();
        assertThat(backend.status("sim-0").regions().get(0).loadedImage()).contains(sha(zstd));
        backend.clear("sim-0", "0");
        assertThat(backend.status("sim-0").regions().get(0).loadedImage()).isEmpty();
    }

    /** An image that serves several workloads: the guest is taken to run the one it serves best. */
    @Test
    void theGuestRunsTheWorkloadTheImageServesBest() throws Exception {
        Path guest = dir.resolve("guest");
        SimBackend backend = backend(guest, Map.of("setupMs", 0L, "noise", 0.0));
        PerformanceFigures database = new PerformanceFigures(64, 80, 52);
        Path both = image(
                "db-u250",
                Map.of("database-acceleration", database, "compression", new PerformanceFigures(12, 400, 52)),
                Map.of());

        backend.program(request("sim-0", both, Map.of()));

        Path file = guest.resolve("sim-0").resolve("0.prom");
        assertThat(Files.readAllLines(file).get(0)).endsWith(", workload database-acceleration");
        assertFigures(file, database);
        PerformanceFigures same = new PerformanceFigures(10, 1, 1);
        assertThat(SimulatedDevice.guestWorkload(new SimImage(
                        "x", "xilinx", "f", Optional.empty(), RegionKind.FULL, 1, Map.of("b", same, "a", same))))
                .as("among equals the first by name")
                .contains("a");
        assertThat(SimulatedDevice.guestWorkload(
                        new SimImage("x", "xilinx", "f", Optional.empty(), RegionKind.FULL, 1, Map.of())))
                .isEmpty();
    }

    @Test
    void theFolderIsUnderKarafDataByDefaultAndEmptyTurnsItOff() throws Exception {
        String dflt =
                (String) SimBackend.Config.class.getMethod("guestTelemetryDir").getDefaultValue();
        assertThat(dflt).isEqualTo("${karaf.data}/hwp/sim-guest");
        String before = System.getProperty("karaf.data");
        try {
            System.clearProperty("karaf.data");
            assertThat(GuestTelemetry.directory(dflt)).as("no Karaf: off").isEmpty();
            System.setProperty("karaf.data", dir.toString());
            assertThat(GuestTelemetry.directory(dflt))
                    .contains(dir.resolve("hwp").resolve("sim-guest"));
            assertThat(GuestTelemetry.directory("")).isEmpty();
            assertThat(GuestTelemetry.directory(" ")).isEmpty();
            assertThat(GuestTelemetry.directory("/srv/guest")).contains(Path.of("/srv/guest"));
        } finally {
            if (before == null) {
                System.clearProperty("karaf.data");
            } else {
                System.setProperty("karaf.data", before);
            }
        }
        SimBackend off = new SimBackend();
        off.bindFleet(new SimFleet(Configs.of(SimFleet.Config.class, Map.of("setupMs", 0L)), clock));
        off.activate(Configs.of(SimBackend.Config.class, Map.of("guestTelemetryDir", "")));
        started.add(off);
        off.program(request("sim-0", image("zstd", Map.of("compression", ZSTD), Map.of()), Map.of()));
        try (var files = Files.list(dir)) {
            assertThat(files).as("nothing written").allMatch(f -> f.toString().endsWith(".sim"));
        }
    }
}
