package org.hwpersonality.api.service;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.allocation.Reconfiguration;
import org.hwpersonality.api.device.BackendInfo;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.profile.OsSupport;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The fleet as the management service knows it: devices and regions kept in the database from what the
 * back ends present report, back ends come and go at runtime (their devices go OFFLINE and come back).
 */
@ProviderType
public interface DeviceService {
    List<Device> devices();

    Optional<Device> device(String deviceId);

    /** The back ends present on this node. */
    List<BackendInfo> backends();

    /** The nodes of the installation, with their roles, leases and device counts. */
    List<org.hwpersonality.api.node.Node> nodes();

    /** This node's ID. */
    String nodeId();

    /**
     * The vendors of this node's back ends that are present but have not reported all their devices yet (just
     * arrived, or still starting: {@link org.hwpersonality.api.backend.ReconfigurationBackend#starting}).
     */
    java.util.Set<String> backendsStarting();

    /** No new allocations on the device; running ones continue. */
    Device drain(String deviceId);

    /**
     * Undoes {@link #drain}: a DRAINING device is ONLINE again (an ONLINE one stays so); CONFLICT for a device that is
     * OFFLINE, whose node or back end must come back first.
     */
    Device enable(String deviceId);

    /** Asks every back end for its devices again (also done periodically). */
    void rescan();

    /**
     * Programs a free region with a personality by hand (operators, characterization): checks that the profile
     * fits the device (vendor, family, shell, region kind, resources), records the region PROGRAMMING, has the
     * back end program it, and records what it holds. A failure leaves the region as it was, or FAILED when its
     * content became unknown.
     */
    Reconfiguration reconfigure(String deviceId, String regionId, String personalityId);

    /**
     * Characterization: programs a stored image on a free region of the device, measures the workload through
     * the back end, and stores a CHARACTERIZED profile {@code NAME-v1} with the measured figures, for the
     * device's vendor, family and shell, claiming the whole region.
     */
    PersonalityProfile characterize(String deviceId, Sha256 image, String workload, String name, OsSupport os);

    /**
     * Where bring-up characterization stands on a device of this node ({@code 1 of 2 image(s) characterized;
     * characterizing …}); empty when none is configured for its family or the device is another node's.
     */
    Optional<String> bringUp(String deviceId);
}
