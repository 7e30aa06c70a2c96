package org.hwpersonality.api.backend;

import java.util.List;
import org.hwpersonality.api.device.DeviceHealth;
import org.hwpersonality.api.internal.Checks;

/** A device as its back end discovers it: identity, family, shell interface ID, regions and health. */
public record DeviceDescriptor(
        String id,
        String model,
        String family,
        String interfaceId,
        List<RegionDescriptor> regions,
        DeviceHealth health) {
    public DeviceDescriptor {
        Checks.id("device.id", id);
        Checks.text("device.model", model, 256);
        Checks.id("device.family", family);
        interfaceId = Checks.interfaceId("device.interfaceId", interfaceId);
        regions = Checks.nonEmptyList("device.regions", regions, 64);
        Checks.unique("device.regions", regions, RegionDescriptor::id, "id");
        Checks.notNull("device.health", health);
    }
}
