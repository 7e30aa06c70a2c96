package org.hwpersonality.backend.sim.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.hwpersonality.api.PerformanceFigures;

/**
 * What a workload sees on a loaded simulated image: the figures the image declares, degraded by a drift that
 * grows with the time since programming (thermal throttling, fragmentation of on-card memory), with
 * measurement noise. Drift is the fraction of throughput lost per hour; latency grows by the same factor.
 */
public record Telemetry(double driftPerHour, double noise) {
    public static final Telemetry STEADY = new Telemetry(0, 0);

    public Telemetry {
        if (driftPerHour < 0 || driftPerHour > 1 || noise < 0 || noise > 0.5) {
            throw new IllegalArgumentException("drift must lie in [0, 1] per hour and noise in [0, 0.5]");
        }
    }

    public PerformanceFigures observe(PerformanceFigures declared, Duration sinceProgramming, RandomGenerator random) {
        double hours = sinceProgramming.toMillis() / 3_600_000.0;
        double factor = Math.max(0.01, 1 - driftPerHour * hours);
        double jitter = noise == 0 ? 1 : Math.max(0.5, 1 + random.nextGaussian() * noise);
        return new PerformanceFigures(
                declared.throughputGops() * factor * jitter,
                declared.latencyUs() / factor / jitter,
                declared.powerWatts() * jitter);
    }
}
