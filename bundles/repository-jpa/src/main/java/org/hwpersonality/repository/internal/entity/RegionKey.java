package org.hwpersonality.repository.internal.entity;

import java.io.Serializable;
import java.util.Objects;

/** The key of a region: its device and its ID on that device. */
public class RegionKey implements Serializable {
    private static final long serialVersionUID = 1L;

    private String deviceId;
    private String regionId;

    public RegionKey() {}

    public RegionKey(String deviceId, String regionId) {
        this.deviceId = deviceId;
        this.regionId = regionId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegionKey k && deviceId.equals(k.deviceId) && regionId.equals(k.regionId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(deviceId, regionId);
    }
}
