package org.hwpersonality.api.request;

import java.util.Optional;
import org.hwpersonality.api.internal.Checks;

/**
 * A Re-personalization Request (step 6): a VM reports the metrics of its current personality and may state a
 * new workload or new requirements; the service chooses again. It acts on one of the VM's allocations: the one of
 * {@code slot}, or, when none is named, the VM's only one (the default slot's when it holds several). With a
 * {@code threshold} (the agent's, in (0, 10]), the measured figures are also compared with what the current
 * personality promised: below threshold × promise (above promise ÷ threshold for latency and power), it
 * under-delivers and the service looks for a better one.
 */
public record RepersonalizationRequest(
        String vmId,
        Metrics metrics,
        Optional<String> workload,
        Optional<Requirements> requirements,
        Optional<String> slot,
        Optional<Double> threshold) {
    public RepersonalizationRequest {
        Checks.id("vmId", vmId);
        Checks.notNull("metrics", metrics);
        Checks.notNull("workload", workload).ifPresent(w -> Checks.name("workload", w));
        Checks.notNull("requirements", requirements);
        Checks.notNull("slot", slot).ifPresent(s -> Checks.name("slot", s));
        Checks.notNull("threshold", threshold).ifPresent(t -> {
            if (!(t > 0 && t <= 10)) {
                throw new org.hwpersonality.api.ValidationException("threshold", "must lie in (0, 10] (was " + t + ")");
            }
        });
    }

    /** Without a threshold: compared with explicit requirements only. */
    public RepersonalizationRequest(
            String vmId,
            Metrics metrics,
            Optional<String> workload,
            Optional<Requirements> requirements,
            Optional<String> slot) {
        this(vmId, metrics, workload, requirements, slot, Optional.empty());
    }

    /** For whichever allocation the VM holds (its only one, or its default slot's). */
    public RepersonalizationRequest(
            String vmId, Metrics metrics, Optional<String> workload, Optional<Requirements> requirements) {
        this(vmId, metrics, workload, requirements, Optional.empty(), Optional.empty());
    }
}
