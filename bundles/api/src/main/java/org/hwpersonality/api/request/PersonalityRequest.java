package org.hwpersonality.api.request;

import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.internal.Checks;

/**
 * A Personality Request: the VM, its operating system, the workload it intends to run, its requirements, and the
 * slot the accelerator fills ({@code slot}: a VM may hold one allocation per slot, e.g. {@code compression} and
 * {@code inference}; {@value #DEFAULT_SLOT} when not named).
 */
public record PersonalityRequest(String vmId, OsInfo os, String workload, Requirements requirements, String slot) {
    /** The slot of a request that names none. */
    public static final String DEFAULT_SLOT = "default";

    public PersonalityRequest {
        Checks.id("vmId", vmId);
        Checks.notNull("os", os);
        Checks.name("workload", workload);
        requirements = requirements == null ? Requirements.NONE : requirements;
        slot = slot == null ? DEFAULT_SLOT : Checks.name("slot", slot);
    }

    /** A request for the default slot. */
    public PersonalityRequest(String vmId, OsInfo os, String workload, Requirements requirements) {
        this(vmId, os, workload, requirements, DEFAULT_SLOT);
    }
}
