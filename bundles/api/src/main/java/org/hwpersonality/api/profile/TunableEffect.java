package org.hwpersonality.api.profile;

import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.internal.Checks;

/**
 * How a tunable moves the figures, as power laws of the ratio {@code r = value / nominal}: throughput × r^t,
 * latency × r^l, power × r^p, fabric resources × r^f. A kernel clock is typically (1, -1, 1, 0), a number of
 * compute units (1, 0, 1, 1). Exponents lie in [-4, 4].
 */
public record TunableEffect(
        double throughputExponent, double latencyExponent, double powerExponent, double resourceExponent) {
    public TunableEffect {
        exponent("throughputExponent", throughputExponent);
        exponent("latencyExponent", latencyExponent);
        exponent("powerExponent", powerExponent);
        exponent("resourceExponent", resourceExponent);
    }

    private static void exponent(String field, double value) {
        Checks.finite(field, value);
        if (Math.abs(value) > 4) {
            throw new org.hwpersonality.api.ValidationException(field, "must lie in [-4, 4] (was " + value + ")");
        }
    }

    /** The figures at ratio {@code r} of the nominal value. */
    public PerformanceFigures apply(PerformanceFigures figures, double r) {
        Checks.positive("ratio", r);
        return new PerformanceFigures(
                figures.throughputGops() * Math.pow(r, throughputExponent),
                figures.latencyUs() * Math.pow(r, latencyExponent),
                figures.powerWatts() * Math.pow(r, powerExponent));
    }

    /** The factor by which fabric resources grow at ratio {@code r}. */
    public double resourceFactor(double r) {
        return Math.pow(r, resourceExponent);
    }
}
