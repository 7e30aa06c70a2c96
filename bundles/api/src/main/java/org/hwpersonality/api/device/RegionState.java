package org.hwpersonality.api.device;

/**
 * The life of a region. Each state is written to the database before the step it names, so after a crash
 * a region found in {@code PROGRAMMING} or {@code CLEARING} is reconciled with what its back end reports.
 */
public enum RegionState {
    /** Holds nothing that an allocation uses; may still hold a loaded image for reuse. */
    FREE,
    /** Reserved for an allocation, not yet programmed. */
    RESERVED,
    /** Being programmed. */
    PROGRAMMING,
    /** Programmed and in use by an allocation. */
    ACTIVE,
    /** Being cleared. */
    CLEARING,
    /** Programming or clearing failed and its content is unknown; not used until reconciled. */
    FAILED;

    /** Whether a new allocation may take the region. */
    public boolean isAllocatable() {
        return this == FREE;
    }
}
