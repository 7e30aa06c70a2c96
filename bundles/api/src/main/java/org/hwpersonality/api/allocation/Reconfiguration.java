package org.hwpersonality.api.allocation;

import org.hwpersonality.api.internal.Checks;

/** Whether the region was programmed for an allocation, and how long it took in milliseconds. */
public record Reconfiguration(boolean performed, double durationMs) {
    public static final Reconfiguration NOT_NEEDED = new Reconfiguration(false, 0);

    public Reconfiguration {
        Checks.nonNegative("durationMs", durationMs);
    }
}
