package org.hwpersonality.api.profile;

import java.util.Set;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/**
 * The devices a profile can be programmed on: a vendor ({@code xilinx}, {@code intel}, {@code sim}…), a device
 * family ({@code alveo-u250}…), and the shell/interface IDs (platform interface UUIDs) its image was built
 * for. An empty set of interface IDs means any shell of the family.
 */
public record Compatibility(String vendor, String family, Set<String> interfaceIds) {
    public Compatibility {
        Checks.name("vendor", vendor);
        Checks.id("family", family);
        interfaceIds = interfaceIds == null
                ? Set.of()
                : Set.copyOf(interfaceIds.stream()
                        .map(Compatibility::normalizeInterfaceId)
                        .toList());
        if (interfaceIds.size() > 64) {
            throw new ValidationException("interfaceIds", "must have at most 64 entries");
        }
    }

    /**
     * An interface ID in canonical form: 32 lower-case hex digits. Accepts the dashed UUID form and upper case,
     * as vendor tools print both.
     */
    public static String normalizeInterfaceId(String id) {
        return Checks.interfaceId("interfaceIds", id);
    }

    /** Whether a device of this vendor, family and shell interface can take the profile's image. */
    public boolean accepts(String deviceVendor, String deviceFamily, String deviceInterfaceId) {
        return vendor.equals(deviceVendor)
                && family.equals(deviceFamily)
                && (interfaceIds.isEmpty() || interfaceIds.contains(deviceInterfaceId));
    }
}
