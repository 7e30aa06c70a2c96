package org.hwpersonality.api.profile;

/** Whether new requests may match a profile. */
public enum ProfileStatus {
    /** Matched for new requests. */
    ACTIVE,
    /** No longer matched; allocations that use it keep it. */
    RETIRED
}
