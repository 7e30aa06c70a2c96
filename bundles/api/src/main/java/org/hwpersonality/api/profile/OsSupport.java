package org.hwpersonality.api.profile;

import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.internal.Checks;

/**
 * A guest OS the profile can serve: family, kernel range and the name of the driver that talks to the image
 * (the driver repository resolves the package by Personality ID, OS and kernel).
 */
public record OsSupport(String family, KernelRange kernels, String driverName) {
    public OsSupport {
        Checks.name("family", family);
        kernels = kernels == null ? KernelRange.ANY : kernels;
        Checks.id("driverName", driverName);
    }

    /** Whether this entry covers the guest; a guest with no stated kernel is covered by the family alone. */
    public boolean covers(OsInfo os) {
        return family.equals(os.family()) && os.kernel().map(kernels::contains).orElse(true);
    }
}
