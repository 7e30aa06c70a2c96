package org.hwpersonality.api.store;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.backend.DeviceDescriptor;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceState;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The devices of the fleet and their regions in the database, as their back ends reported them. Region
 * states (FREE, RESERVED, ACTIVE …) belong to the allocation logic and are kept when a device is reported again.
 */
@ProviderType
public interface DeviceRecords {
    /**
     * Records what a back end reports of a device: a new device with FREE regions, or an update of identity,
     * health and region contents that keeps region states; a device that was OFFLINE becomes ONLINE again
     * (a DRAINING device stays DRAINING).
     */
    Device report(String backend, String vendor, DeviceDescriptor descriptor);

    /** Marks every device of a back end OFFLINE (its back end went away); allocations are not touched. */
    int markOffline(String backend);

    /** Sets a device's state (e.g. DRAINING); NOT_FOUND if unknown. */
    Device setState(String deviceId, DeviceState state);

    Optional<Device> device(String deviceId);

    List<Device> devices();
}
