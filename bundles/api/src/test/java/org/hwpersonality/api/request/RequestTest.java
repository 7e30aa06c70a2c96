package org.hwpersonality.api.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hwpersonality.api.Rejections.assertRejected;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.PerformanceFigures;
import org.junit.jupiter.api.Test;

class RequestTest {
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    private static Requirements requirements(Double throughput, Double latency, Double power, Long memory) {
        return new Requirements(
                Optional.ofNullable(throughput),
                Optional.ofNullable(latency),
                Optional.ofNullable(power),
                Optional.ofNullable(memory));
    }

    private static Metrics metrics(Double utilization, Map<String, Double> other) {
        return new Metrics(
                Optional.of(90.0), Optional.of(45.0), Optional.empty(), Optional.ofNullable(utilization), other, NOW);
    }

    @Test
    void everyRequirementIsOptional() {
        PersonalityRequest request = new PersonalityRequest("vm-1", OsInfo.of("linux", "5.15.0"), "ml-inference", null);
        assertThat(request.requirements()).isEqualTo(Requirements.NONE);
        assertThat(Requirements.NONE.isMetBy(new PerformanceFigures(0, 1e6, 1e6), 0))
                .isTrue();
    }

    @Test
    void figuresArePrintedWithAtMostTwoDecimals() {
        assertThat(PerformanceFigures.format(90)).isEqualTo("90.0");
        assertThat(PerformanceFigures.format(12.345)).isEqualTo("12.35");
        assertThat(PerformanceFigures.format(0.5)).isEqualTo("0.5");
        assertThat(PerformanceFigures.format(-0.25)).isEqualTo("-0.25");
        assertThat(PerformanceFigures.format(-0.001)).isEqualTo("0.0");
        assertThat(PerformanceFigures.format(1e9)).isEqualTo("1000000000.0");
        assertThat(PerformanceFigures.format(Double.NaN)).isEqualTo("NaN");
    }

    @Test
    void requirementsExplainWhatIsUnmet() {
        Requirements r = requirements(100.0, 50.0, 75.0, 4096L);
        assertThat(r.isMetBy(new PerformanceFigures(120, 40, 70), 8192)).isTrue();
        assertThat(r.unmetBy(new PerformanceFigures(90, 60, 80), 2048))
                .containsExactly(
                        "throughput 90.0 GOPS below 100.0",
                        "latency 60.0 µs above 50.0",
                        "power 80.0 W above 75.0",
                        "memory 2048 MiB below 4096");
    }

    @Test
    void requirementRanges() {
        assertRejected(() -> requirements(-1.0, null, null, null), "minThroughputGops", "zero or more");
        assertRejected(() -> requirements(Double.NaN, null, null, null), "minThroughputGops", "finite");
        assertRejected(() -> requirements(2e9, null, null, null), "minThroughputGops", "at most");
        assertRejected(() -> requirements(null, 0.0, null, null), "maxLatencyUs", "greater than zero");
        assertRejected(() -> requirements(null, null, -5.0, null), "maxPowerWatts", "greater than zero");
        assertRejected(() -> requirements(null, null, null, -1L), "minMemoryMb", "zero or more");
        assertRejected(() -> requirements(null, null, null, 1L << 21), "minMemoryMb", "at most");
        assertRejected(
                () -> new Requirements(null, Optional.empty(), Optional.empty(), Optional.empty()),
                "minThroughputGops",
                "is required");
    }

    @Test
    void requestFields() {
        OsInfo linux = OsInfo.of("linux", null);
        assertRejected(() -> new PersonalityRequest(null, linux, "ml-inference", null), "vmId", "is required");
        assertRejected(() -> new PersonalityRequest("vm/../1", linux, "ml-inference", null), "vmId", "letters");
        assertRejected(() -> new PersonalityRequest("vm-1", null, "ml-inference", null), "os", "is required");
        assertRejected(() -> new PersonalityRequest("vm-1", linux, "ML inference", null), "workload", "lower-case");
        assertRejected(() -> new PersonalityRequest("vm-1", linux, null, null), "workload", "is required");
    }

    @Test
    void metricsRules() {
        assertThat(metrics(0.5, Map.of("queueDepth", 12.0)).other()).containsEntry("queueDepth", 12.0);
        assertRejected(() -> metrics(1.5, Map.of()), "utilization", "[0, 1]");
        assertRejected(() -> metrics(Double.NaN, Map.of()), "utilization", "[0, 1]");
        assertRejected(
                () -> metrics(null, Map.of("queueDepth", Double.POSITIVE_INFINITY)), "other.queueDepth", "finite");
        assertRejected(() -> metrics(null, Map.of("bad key", 1.0)), "other key", "letters");
        assertRejected(() -> metrics(null, null), "other", "is required");
        assertRejected(
                () -> new Metrics(
                        Optional.of(-1.0), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), NOW),
                "throughputGops",
                "zero or more");
        assertRejected(
                () -> new Metrics(
                        Optional.empty(), Optional.of(-1.0), Optional.empty(), Optional.empty(), Map.of(), NOW),
                "latencyUs",
                "zero or more");
        assertRejected(
                () -> new Metrics(
                        Optional.empty(), Optional.empty(), Optional.of(-1.0), Optional.empty(), Map.of(), NOW),
                "powerWatts",
                "zero or more");
        assertRejected(
                () -> new Metrics(
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), null),
                "observedAt",
                "is required");
    }

    @Test
    void repersonalizationRules() {
        Metrics m = metrics(0.5, Map.of());
        assertThat(new RepersonalizationRequest("vm-1", m, Optional.of("compression"), Optional.empty()).workload())
                .contains("compression");
        assertRejected(
                () -> new RepersonalizationRequest("vm-1", null, Optional.empty(), Optional.empty()),
                "metrics",
                "is required");
        assertRejected(
                () -> new RepersonalizationRequest("vm-1", m, Optional.of("Bad"), Optional.empty()),
                "workload",
                "lower-case");
        assertRejected(
                () -> new RepersonalizationRequest("vm-1", m, Optional.empty(), null), "requirements", "is required");
    }
}
