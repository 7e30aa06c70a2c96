package org.hwpersonality.api.request;

import static org.hwpersonality.api.PerformanceFigures.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.internal.Checks;

/**
 * The performance a VM asks for; every figure is optional. Throughput is a floor, latency and power are
 * ceilings, memory is the device memory the workload needs.
 */
public record Requirements(
        Optional<Double> minThroughputGops,
        Optional<Double> maxLatencyUs,
        Optional<Double> maxPowerWatts,
        Optional<Long> minMemoryMb) {
    public static final Requirements NONE =
            new Requirements(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    /** 1 TiB of device memory: above any card. */
    public static final long MAX_MEMORY_MB = 1L << 20;

    public Requirements {
        Checks.notNull("minThroughputGops", minThroughputGops)
                .ifPresent(v -> Checks.atMost(
                        "minThroughputGops", Checks.nonNegative("minThroughputGops", v), PerformanceFigures.MAX));
        Checks.notNull("maxLatencyUs", maxLatencyUs)
                .ifPresent(
                        v -> Checks.atMost("maxLatencyUs", Checks.positive("maxLatencyUs", v), PerformanceFigures.MAX));
        Checks.notNull("maxPowerWatts", maxPowerWatts)
                .ifPresent(v ->
                        Checks.atMost("maxPowerWatts", Checks.positive("maxPowerWatts", v), PerformanceFigures.MAX));
        Checks.notNull("minMemoryMb", minMemoryMb)
                .ifPresent(v -> Checks.atMost("minMemoryMb", Checks.nonNegative("minMemoryMb", v), MAX_MEMORY_MB));
    }

    /** The requirements these figures (and this much device memory) miss, as readable reasons; empty if all met. */
    public List<String> unmetBy(PerformanceFigures figures, long memoryMb) {
        List<String> unmet = new ArrayList<>();
        minThroughputGops
                .filter(min -> figures.throughputGops() < min)
                .ifPresent(min ->
                        unmet.add("throughput " + format(figures.throughputGops()) + " GOPS below " + format(min)));
        maxLatencyUs
                .filter(max -> figures.latencyUs() > max)
                .ifPresent(max -> unmet.add("latency " + format(figures.latencyUs()) + " µs above " + format(max)));
        maxPowerWatts
                .filter(max -> figures.powerWatts() > max)
                .ifPresent(max -> unmet.add("power " + format(figures.powerWatts()) + " W above " + format(max)));
        minMemoryMb
                .filter(min -> memoryMb < min)
                .ifPresent(min -> unmet.add("memory " + memoryMb + " MiB below " + min));
        return unmet;
    }

    public boolean isMetBy(PerformanceFigures figures, long memoryMb) {
        return unmetBy(figures, memoryMb).isEmpty();
    }
}
