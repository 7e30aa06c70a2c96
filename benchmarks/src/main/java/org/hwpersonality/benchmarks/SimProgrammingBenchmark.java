package org.hwpersonality.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.artifact.SimImage;
import org.hwpersonality.api.backend.ProgrammingRequest;
import org.hwpersonality.api.backend.ProgrammingResult;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.backend.sim.internal.FaultModel;
import org.hwpersonality.backend.sim.internal.PortModel;
import org.hwpersonality.backend.sim.internal.SimulatedDevice;
import org.hwpersonality.backend.sim.internal.Telemetry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How closely simulated programming follows its model: one programming of an image of {@code megabytes} MB
 * through an 800 MB/s port with no setup time, so the model says bytes ÷ bandwidth. Target: at most
 * 1.05 × model + 1 ms. The region is cleared before each programming, so none is skipped.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class SimProgrammingBenchmark {
    @Param({"1", "10", "100"})
    public int megabytes;

    private Path image;
    private Sha256 sha;
    private SimulatedDevice device;

    @Setup(Level.Trial)
    public void prepare() throws Exception {
        image = Files.createTempFile("hwp-bench-", ".sim");
        try (OutputStream out = Files.newOutputStream(image)) {
            new SimImage(
                            "bench",
                            "xilinx",
                            "alveo-u250",
                            Optional.empty(),
                            RegionKind.FULL,
                            megabytes * 1_000_000L,
                            Map.of())
                    .write(out);
        }
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(image), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        sha = Sha256.of(digest.digest());
        device = new SimulatedDevice(
                "bench-0",
                "xilinx",
                "bench",
                "alveo-u250",
                "00000000000000000000000000000250",
                RegionKind.FULL,
                1,
                new Resources(1, 1, 1, 1, 1),
                new PortModel(PortModel.ICAP_200MHZ_32BIT, Duration.ZERO),
                FaultModel.NONE,
                Telemetry.STEADY,
                1,
                Clock.systemUTC(),
                new org.hwpersonality.api.device.PciAddress(0x1000, 0, 0, 0),
                org.hwpersonality.api.backend.CardOffer.UNKNOWN);
    }

    @Setup(Level.Invocation)
    public void emptyRegion() {
        device.clear("0");
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        Files.deleteIfExists(image);
    }

    @Benchmark
    public ProgrammingResult program() {
        return device.program(
                new ProgrammingRequest("bench-0", "0", image, sha, "bench-v1", List.of(), null, List.of()));
    }
}
