package org.hwpersonality.api.allocation;

import java.util.Optional;
import org.hwpersonality.api.internal.Checks;

/**
 * Whether the region was programmed for an allocation, and how long it took in milliseconds ({@code durationMs},
 * the clear included); {@code clearingMs} when the region was cleared first, because it last served another tenant.
 */
public record Reconfiguration(boolean performed, double durationMs, Optional<Double> clearingMs) {
    public static final Reconfiguration NOT_NEEDED = new Reconfiguration(false, 0);

    public Reconfiguration {
        Checks.nonNegative("durationMs", durationMs);
        Checks.notNull("clearingMs", clearingMs);
        clearingMs.ifPresent(ms -> Checks.nonNegative("clearingMs", ms));
    }

    /** A programming without a clear. */
    public Reconfiguration(boolean performed, double durationMs) {
        this(performed, durationMs, Optional.empty());
    }
}
