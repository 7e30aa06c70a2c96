package org.hwpersonality.api.request;

import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.internal.Checks;

/** A Personality Request: the VM, its operating system, the workload it intends to run and its requirements. */
public record PersonalityRequest(String vmId, OsInfo os, String workload, Requirements requirements) {
    public PersonalityRequest {
        Checks.id("vmId", vmId);
        Checks.notNull("os", os);
        Checks.name("workload", workload);
        requirements = requirements == null ? Requirements.NONE : requirements;
    }
}
