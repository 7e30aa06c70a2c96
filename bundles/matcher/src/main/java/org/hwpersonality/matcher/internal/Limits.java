package org.hwpersonality.matcher.internal;

import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.request.Requirements;

/**
 * A request's numeric requirements, unpacked once: the same verdict as {@link Requirements#isMetBy}, without building
 * the explanation of what is unmet. Matching and adjustment test them for thousands of profiles and variants per
 * request and explain only a few.
 */
record Limits(double minThroughput, double maxLatency, double maxPower, long minMemory) {
    static Limits of(Requirements r) {
        return new Limits(
                r.minThroughputGops().orElse(Double.NEGATIVE_INFINITY),
                r.maxLatencyUs().orElse(Double.POSITIVE_INFINITY),
                r.maxPowerWatts().orElse(Double.POSITIVE_INFINITY),
                r.minMemoryMb().orElse(0L));
    }

    boolean met(double throughput, double latency, double power, long memory) {
        return throughput >= minThroughput && latency <= maxLatency && power <= maxPower && memory >= minMemory;
    }

    boolean met(PerformanceFigures f, long memory) {
        return met(f.throughputGops(), f.latencyUs(), f.powerWatts(), memory);
    }
}
