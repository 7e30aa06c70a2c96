package org.hwpersonality.api.backend;

import org.hwpersonality.api.internal.Checks;

/** How a programming went: its duration in milliseconds, and whether it was skipped because the image was already loaded. */
public record ProgrammingResult(double durationMs, boolean skipped) {
    public ProgrammingResult {
        Checks.nonNegative("durationMs", durationMs);
    }
}
