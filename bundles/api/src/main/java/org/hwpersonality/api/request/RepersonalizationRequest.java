package org.hwpersonality.api.request;

import java.util.Optional;
import org.hwpersonality.api.internal.Checks;

/**
 * A Re-personalization Request (step 6): a VM reports the metrics of its current personality and may state a
 * new workload or new requirements; the service chooses again.
 */
public record RepersonalizationRequest(
        String vmId, Metrics metrics, Optional<String> workload, Optional<Requirements> requirements) {
    public RepersonalizationRequest {
        Checks.id("vmId", vmId);
        Checks.notNull("metrics", metrics);
        Checks.notNull("workload", workload).ifPresent(w -> Checks.name("workload", w));
        Checks.notNull("requirements", requirements);
    }
}
