package org.hwpersonality.api.device;

import org.hwpersonality.api.internal.Checks;

/**
 * A back end present now: the vendor it serves, the bundle that provides it, how many devices it reported, and,
 * when its last attempt to list them failed (its tools missing or failing), why: it is DEGRADED then.
 */
public record BackendInfo(
        String vendor, String bundle, String version, int devices, java.util.Optional<String> problem) {
    public BackendInfo {
        Checks.name("vendor", vendor);
        Checks.text("bundle", bundle, 256);
        Checks.text("version", version, 128);
        Checks.nonNegative("devices", devices);
        Checks.notNull("problem", problem);
    }

    /** A back end whose last discovery worked. */
    public BackendInfo(String vendor, String bundle, String version, int devices) {
        this(vendor, bundle, version, devices, java.util.Optional.empty());
    }

    /** UP, or DEGRADED when it has a problem. */
    public String status() {
        return problem.isPresent() ? "DEGRADED" : "UP";
    }
}
