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

    /**
     * A figure as explanations print it: rounded to two decimals, at least one shown ({@code 90.0}, {@code 12.35}).
     * Integer arithmetic, as matching prints figures into every answer.
     */
    public static String format(double value) {
        if (!Double.isFinite(value) || Math.abs(value) >= 1e15) {
            return Double.toString(value);
        }
        long hundredths = Math.round(Math.abs(value) * 100);
        StringBuilder s = new StringBuilder(24);
        if (value < 0 && hundredths != 0) {
            s.append('-');
        }
        s.append(hundredths / 100).append('.').append(hundredths / 10 % 10);
        if (hundredths % 10 != 0) {
            s.append(hundredths % 10);
        }
        return s.toString();
    }
}
