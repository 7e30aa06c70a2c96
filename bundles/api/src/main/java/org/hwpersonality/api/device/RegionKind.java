package org.hwpersonality.api.device;

/** Whether an image or a region covers the whole user fabric or one partial-reconfiguration region. */
public enum RegionKind {
    /** The whole user-programmable fabric behind the static shell. */
    FULL,
    /** One partial-reconfiguration region; its neighbours keep running while it is programmed. */
    PARTIAL
}
