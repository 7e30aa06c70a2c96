package org.hwpersonality.api.allocation;

import java.util.Optional;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.internal.Checks;

/**
 * What a VM learns from a (re-)personalization: the allocation with its Personality ID, whether the profile
 * was derived, the driver package to load, the reconfiguration performed and how the match was decided.
 * {@code changed} is false when re-personalization kept the current allocation.
 */
public record AllocationResult(
        Allocation allocation,
        String vendor,
        boolean derived,
        Optional<DriverPackage> driver,
        Reconfiguration reconfiguration,
        MatchCandidate match,
        boolean changed) {
    public AllocationResult {
        Checks.notNull("allocation", allocation);
        Checks.name("vendor", vendor);
        Checks.notNull("driver", driver);
        Checks.notNull("reconfiguration", reconfiguration);
        Checks.notNull("match", match);
    }
}
