package org.hwpersonality.api.allocation;

/** The kind of answer the matcher gave. */
public enum MatchOutcome {
    /** A stored profile meets the request. */
    EXACT,
    /** Only an adjusted variant of a stored profile meets the request. */
    ADJUSTED,
    /** No profile, even adjusted, can meet the request (HTTP 422). */
    NO_MATCHING_PROFILE,
    /** Profiles fit, but no compatible region is free (HTTP 503). */
    NO_CAPACITY
}
