package org.hwpersonality.api.device;

import org.hwpersonality.api.internal.Checks;

/** A region of a device by its IDs; written {@code deviceId/regionId}. */
public record RegionRef(String deviceId, String regionId) {
    public RegionRef {
        Checks.id("deviceId", deviceId);
        Checks.id("regionId", regionId);
    }

    @Override
    public String toString() {
        return deviceId + "/" + regionId;
    }
}
