package org.hwpersonality.api.outcome;

import java.time.Instant;
import java.util.Optional;
import org.hwpersonality.api.internal.Checks;
import org.hwpersonality.api.request.Metrics;

/**
 * One report of a VM on the personality it runs: which VM, allocation, personality, device and device family, for
 * which workload, the standard figures it measured (those it had), whether they fell short of what the personality
 * promised at the VM's threshold ({@code underDelivered}), and when they were measured.
 */
public record Outcome(
        String vmId,
        String allocationId,
        String personalityId,
        String deviceId,
        String family,
        String workload,
        Optional<Double> throughputGops,
        Optional<Double> latencyUs,
        Optional<Double> powerWatts,
        boolean underDelivered,
        Instant observedAt) {
    public Outcome {
        Checks.id("vmId", vmId);
        Checks.id("allocationId", allocationId);
        Checks.text("personalityId", personalityId, 128);
        Checks.text("deviceId", deviceId, 128);
        Checks.text("family", family, 64);
        Checks.name("workload", workload);
        Checks.notNull("throughputGops", throughputGops).ifPresent(v -> Checks.nonNegative("throughputGops", v));
        Checks.notNull("latencyUs", latencyUs).ifPresent(v -> Checks.nonNegative("latencyUs", v));
        Checks.notNull("powerWatts", powerWatts).ifPresent(v -> Checks.nonNegative("powerWatts", v));
        Checks.notNull("observedAt", observedAt);
    }

    /** The report of {@code metrics} on an allocation's personality and device. */
    public static Outcome of(
            String vmId,
            String allocationId,
            String personalityId,
            String deviceId,
            String family,
            String workload,
            Metrics metrics,
            boolean underDelivered) {
        return new Outcome(
                vmId,
                allocationId,
                personalityId,
                deviceId,
                family,
                workload,
                metrics.throughputGops(),
                metrics.latencyUs(),
                metrics.powerWatts(),
                underDelivered,
                metrics.observedAt());
    }

    /** Whether it holds any standard figure (a report of other samples alone teaches nothing). */
    public boolean hasFigures() {
        return throughputGops.isPresent() || latencyUs.isPresent() || powerWatts.isPresent();
    }
}
