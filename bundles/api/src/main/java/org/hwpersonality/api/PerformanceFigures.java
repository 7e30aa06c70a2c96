package org.hwpersonality.api;

import org.hwpersonality.api.internal.Checks;

/**
 * What a personality delivers for one workload: throughput in giga-operations per second, latency in
 * microseconds, board power in watts.
 */
public record PerformanceFigures(double throughputGops, double latencyUs, double powerWatts) {
    /** Upper bound for every figure; larger values are typing mistakes, not hardware. */
    public static final double MAX = 1.0e9;

    public PerformanceFigures {
        Checks.atMost("throughputGops", Checks.nonNegative("throughputGops", throughputGops), MAX);
        Checks.atMost("latencyUs", Checks.positive("latencyUs", latencyUs), MAX);
        Checks.atMost("powerWatts", Checks.positive("powerWatts", powerWatts), MAX);
    }
}
