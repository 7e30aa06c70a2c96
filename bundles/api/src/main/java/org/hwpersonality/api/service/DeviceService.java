package org.hwpersonality.api.service;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.device.BackendInfo;
import org.hwpersonality.api.device.Device;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The fleet as the management service knows it: devices and regions kept in the database from what the
 * back ends present report, back ends come and go at runtime (their devices go OFFLINE and come back).
 */
@ProviderType
public interface DeviceService {
    List<Device> devices();

    Optional<Device> device(String deviceId);

    List<BackendInfo> backends();

    /** No new allocations on the device; running ones continue. */
    Device drain(String deviceId);
}
