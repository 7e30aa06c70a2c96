package org.hwpersonality.api.allocation;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of an allocation. Each state is written before the step it names; {@link #canMoveTo} is the only
 * path an allocation may take.
 */
public enum AllocationState {
    /** A region is reserved for it. */
    RESERVED,
    /** Its region is being programmed. */
    PROGRAMMING,
    /** Programmed; the VM uses it. */
    ACTIVE,
    /** Its region is being freed. */
    RELEASING,
    /** Over: the region is free again (or was taken by its successor). */
    RELEASED,
    /** Programming failed; the region went back to its previous state. */
    FAILED;

    private Set<AllocationState> next() {
        return switch (this) {
            case RESERVED -> EnumSet.of(PROGRAMMING, ACTIVE, FAILED, RELEASED);
            case PROGRAMMING -> EnumSet.of(ACTIVE, FAILED);
            case ACTIVE -> EnumSet.of(RELEASING, RELEASED);
            case RELEASING -> EnumSet.of(RELEASED);
            case RELEASED, FAILED -> EnumSet.noneOf(AllocationState.class);
        };
    }

    /** Whether the state machine allows this transition. RESERVED → ACTIVE is the reuse of a loaded region. */
    public boolean canMoveTo(AllocationState target) {
        return next().contains(target);
    }

    /** Whether the allocation holds its region. */
    public boolean holdsRegion() {
        return this == RESERVED || this == PROGRAMMING || this == ACTIVE || this == RELEASING;
    }
}
