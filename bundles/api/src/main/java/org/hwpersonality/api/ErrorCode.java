package org.hwpersonality.api;

/** The error codes of the public contract; each maps to one HTTP status. */
public enum ErrorCode {
    /** A malformed or out-of-range field; the message names it. */
    INVALID_REQUEST(400),
    /** The caller is not authenticated. */
    UNAUTHORIZED(401),
    /** The caller may not act on this object. */
    FORBIDDEN(403),
    /** No object has the given identifier. */
    NOT_FOUND(404),
    /** The object's state does not allow the action, or a concurrent change won. */
    CONFLICT(409),
    /** No profile, even adjusted, can meet the requirements. */
    NO_MATCHING_PROFILE(422),
    /** Profiles fit, but no compatible region is free now. */
    NO_CAPACITY(503),
    /**
     * The VM's tenant holds as many allocations as its quota allows ({@code tenant:quota}): another of its VMs must
     * release one first. Told apart from a full fleet (NO_CAPACITY, 503) by its status.
     */
    TENANT_QUOTA(429),
    /** The node cannot serve now: it is starting, or its database does not answer; {@code /health} says which. */
    UNAVAILABLE(503);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status that carries this code. */
    public int httpStatus() {
        return httpStatus;
    }
}
