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
    /**
     * Its region is programmed (or held the image) and its guest function is being hot-plugged into the VM's domain;
     * only for a VM with a domain on a node with an attachment.
     */
    ATTACHING,
    /** Programmed; the VM uses it. */
    ACTIVE,
    /** Its region is being freed (its guest function unplugged from the VM first, when it was attached). */
    RELEASING,
    /** Over: the region is free again (or was taken by its successor). */
    RELEASED,
    /** Programming failed; the region went back to its previous state. */
    FAILED;

    private Set<AllocationState> next() {
        return switch (this) {
            case RESERVED -> EnumSet.of(PROGRAMMING, ATTACHING, ACTIVE, FAILED, RELEASED);
            case PROGRAMMING -> EnumSet.of(ATTACHING, ACTIVE, FAILED);
            case ATTACHING -> EnumSet.of(ACTIVE, FAILED);
            case ACTIVE -> EnumSet.of(RELEASING, RELEASED);
            case RELEASING -> EnumSet.of(RELEASED);
            case RELEASED, FAILED -> EnumSet.noneOf(AllocationState.class);
        };
    }

    /**
     * Whether the state machine allows this transition. RESERVED → ACTIVE is the reuse of a loaded region; RESERVED →
     * ATTACHING the same for a VM whose domain gets the region's guest function.
     */
    public boolean canMoveTo(AllocationState target) {
        return next().contains(target);
    }

    /** Whether the allocation holds its region. */
    public boolean holdsRegion() {
        return this == RESERVED || this == PROGRAMMING || this == ATTACHING || this == ACTIVE || this == RELEASING;
    }
}
