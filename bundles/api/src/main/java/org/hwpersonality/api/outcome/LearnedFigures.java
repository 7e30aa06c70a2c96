package org.hwpersonality.api.outcome;

import java.time.Instant;
import java.util.Optional;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.internal.Checks;

/**
 * What the reports on one personality, for one workload on one device family, show: how many reports ({@code
 * samples}) from how many VMs, and per standard figure its median and the tail that a VM can count on nine times out
 * of ten: the 10th percentile of throughput ({@code throughputLow}), the 90th of latency and power ({@code
 * latencyHigh}, {@code powerHigh}). A figure no report had is empty. {@code flaggedAt}: when its medians were found
 * well short of the promise (empty while they are not).
 */
public record LearnedFigures(
        String personalityId,
        String family,
        String workload,
        int samples,
        int vms,
        Optional<Double> throughputMedian,
        Optional<Double> throughputLow,
        Optional<Double> latencyMedian,
        Optional<Double> latencyHigh,
        Optional<Double> powerMedian,
        Optional<Double> powerHigh,
        Instant updatedAt,
        Optional<Instant> flaggedAt) {
    public LearnedFigures {
        Checks.text("personalityId", personalityId, 128);
        Checks.text("family", family, 64);
        Checks.name("workload", workload);
        Checks.nonNegative("samples", samples);
        Checks.nonNegative("vms", vms);
        Checks.notNull("throughputMedian", throughputMedian);
        Checks.notNull("throughputLow", throughputLow);
        Checks.notNull("latencyMedian", latencyMedian);
        Checks.notNull("latencyHigh", latencyHigh);
        Checks.notNull("powerMedian", powerMedian);
        Checks.notNull("powerHigh", powerHigh);
        Checks.notNull("updatedAt", updatedAt);
        Checks.notNull("flaggedAt", flaggedAt);
    }

    /**
     * The figures to rank by in place of {@code promised}: the tails (10th percentile of throughput, 90th of latency
     * and power), the promise for a figure no report had.
     */
    public PerformanceFigures ranked(PerformanceFigures promised) {
        return new PerformanceFigures(
                throughputLow.orElse(promised.throughputGops()),
                Math.max(latencyHigh.orElse(promised.latencyUs()), Double.MIN_NORMAL),
                Math.max(powerHigh.orElse(promised.powerWatts()), Double.MIN_NORMAL));
    }

    /**
     * Whether the medians fall short of {@code ratio} × the promise ({@link Shortfall}): the comparisons that decide
     * it, or empty.
     */
    public Optional<String> shortOf(PerformanceFigures promised, double ratio) {
        return Shortfall.of("median", throughputMedian, latencyMedian, powerMedian, promised, ratio);
    }
}
