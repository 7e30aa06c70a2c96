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
        Checks.notNull("throughputGops", throughputGops).ifPresent(v -> Checks.nonNegative("throughputGops", v));
        Checks.notNull("latencyUs", latencyUs).ifPresent(v -> Checks.nonNegative("latencyUs", v));
        Checks.notNull("powerWatts", powerWatts).ifPresent(v -> Checks.nonNegative("powerWatts", v));
        Checks.notNull("utilization", utilization).ifPresent(v -> {
            if (!(v >= 0 && v <= 1)) {
                throw new ValidationException("utilization", "must lie in [0, 1] (was " + v + ")");
            }
        });
        Checks.notNull("other", other);
        if (other.size() > 64) {
            throw new ValidationException("other", "must have at most 64 entries");
        }
        other.forEach((k, v) -> {
            Checks.id("other key", k);
            Checks.finite("other." + k, Checks.notNull("other." + k, v));
        });
        other = Map.copyOf(other);
        Checks.notNull("observedAt", observedAt);
    }
}
