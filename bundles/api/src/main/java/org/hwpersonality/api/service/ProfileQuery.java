package org.hwpersonality.api.service;

import java.util.Optional;
import org.hwpersonality.api.internal.Checks;

/** Filters for listing profiles; empty filters match everything. Retired profiles are listed only on request. */
public record ProfileQuery(
        Optional<String> workload, Optional<String> vendor, boolean includeRetired, int offset, int limit) {
    public static final int MAX_LIMIT = 10_000;
    public static final ProfileQuery ALL = new ProfileQuery(Optional.empty(), Optional.empty(), true, 0, MAX_LIMIT);

    public ProfileQuery {
        Checks.notNull("workload", workload).ifPresent(w -> Checks.name("workload", w));
        Checks.notNull("vendor", vendor).ifPresent(v -> Checks.name("vendor", v));
        Checks.nonNegative("offset", offset);
        Checks.atMost("limit", Checks.positive("limit", limit), MAX_LIMIT);
    }
}
