package org.hwpersonality.api.request;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/**
 * What the VM agent measured on its current personality: the standard figures when it has them, plus any
 * other named samples, and when they were taken.
 */
public record Metrics(
        Optional<Double> throughputGops,
        Optional<Double> latencyUs,
        Optional<Double> powerWatts,
        Optional<Double> utilization,
        Map<String, Double> other,
        Instant observedAt) {
    public Metrics {
        Checks.notNull("metrics.throughputGops", throughputGops)
                .ifPresent(v -> Checks.nonNegative("metrics.throughputGops", v));
        Checks.notNull("metrics.latencyUs", latencyUs).ifPresent(v -> Checks.nonNegative("metrics.latencyUs", v));
        Checks.notNull("metrics.powerWatts", powerWatts).ifPresent(v -> Checks.nonNegative("metrics.powerWatts", v));
        Checks.notNull("metrics.utilization", utilization).ifPresent(v -> {
            if (!(v >= 0 && v <= 1)) {
                throw new ValidationException("metrics.utilization", "must lie in [0, 1] (was " + v + ")");
            }
        });
        Checks.notNull("metrics.other", other);
        if (other.size() > 64) {
            throw new ValidationException("metrics.other", "must have at most 64 entries");
        }
        other.forEach((k, v) -> {
            Checks.id("metrics.other key", k);
            Checks.finite("metrics.other." + k, Checks.notNull("metrics.other." + k, v));
        });
        other = Map.copyOf(other);
        Checks.notNull("metrics.observedAt", observedAt);
    }
}
