package org.hwpersonality.management.internal;

import org.hwpersonality.api.allocation.Reconfiguration;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.store.DeviceRecords;

/** Programming steps written to the region alone (an operator's reconfiguration, characterization). */
record RegionSteps(DeviceRecords records, String deviceId) implements RegionProgramming.Steps {
    @Override
    public void programming(Region before, Region programming) {
        records.changeRegion(deviceId, before, programming);
    }

    @Override
    public void succeeded(Region programming, Region loaded, Reconfiguration done) {
        records.changeRegion(deviceId, programming, loaded);
    }

    @Override
    public void region(Region from, Region to) {
        records.changeRegion(deviceId, from, to);
    }

    @Override
    public void failed(Region programming, Region after, RuntimeException why) {
        records.changeRegion(deviceId, programming, after);
    }
}
