package org.hwpersonality.api.backend;

import java.util.List;
import org.hwpersonality.api.device.DeviceHealth;
import org.hwpersonality.api.internal.Checks;

/**
 * A device as its back end discovers it: identity, the vendor of the card (the simulator presents other vendors'
 * cards), model, family, shell interface ID, regions and health.
 */
public record DeviceDescriptor(
        String id,
        String vendor,
        String model,
        String family,
        String interfaceId,
        List<RegionDescriptor> regions,
        DeviceHealth health) {
    public DeviceDescriptor {
        Checks.id("id", id);
        Checks.name("vendor", vendor);
        Checks.text("model", model, 256);
        Checks.id("family", family);
        interfaceId = Checks.interfaceId("interfaceId", interfaceId);
        regions = Checks.nonEmptyList("regions", regions, 64);
        Checks.unique("regions", regions, RegionDescriptor::id, "id");
        Checks.notNull("health", health);
    }
}
