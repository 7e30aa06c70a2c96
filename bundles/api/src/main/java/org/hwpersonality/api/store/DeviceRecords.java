package org.hwpersonality.api.store;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.backend.DeviceDescriptor;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.device.Region;
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
     * (a DRAINING device stays DRAINING). The device belongs to {@code node}, which knows it by the descriptor's ID;
     * its ID in the installation is {@link Device#qualifiedId(String, String)}, or the ID it had when it was
     * recorded before devices belonged to nodes.
     */
    default Device report(String node, String backend, String vendor, DeviceDescriptor descriptor) {
        return report(node, backend, vendor, descriptor, java.util.Map.of());
    }

    /**
     * As above, from a back end asked after {@code versionsBefore} was read ({@link #regionVersions}): a region whose
     * row changed since, or that is being reserved, programmed or cleared, keeps its recorded content (the
     * programming state machine wrote it; the report may be older); a region not in the map takes what is reported.
     */
    Device report(
            String node,
            String backend,
            String vendor,
            DeviceDescriptor descriptor,
            java.util.Map<String, Long> versionsBefore);

    /** The version of every region row of {@code node}'s devices, by {@code deviceId/regionId}. */
    java.util.Map<String, Long> regionVersions(String node);

    /**
     * Marks {@code node}'s devices of a back end OFFLINE, but those whose local IDs are in {@code present} (the back
     * end went away, or no longer reports them); allocations are not touched. Returns how many changed.
     */
    int markOffline(String node, String backend, java.util.Set<String> present);

    /** Sets a device's state (e.g. DRAINING); NOT_FOUND if unknown. */
    Device setState(String deviceId, DeviceState state);

    /**
     * Sets a device's state if it is {@code expected} (compare and set, e.g. DRAINING back to ONLINE); CONFLICT naming
     * the state it is in otherwise, NOT_FOUND if unknown.
     */
    Device setState(String deviceId, DeviceState expected, DeviceState state);

    /**
     * Replaces what the database says of one region, if it still says {@code expected} (compare and set on the
     * region's version): CONFLICT when another change came first, NOT_FOUND when there is no such region.
     */
    Region changeRegion(String deviceId, Region expected, Region next);

    Optional<Device> device(String deviceId);

    List<Device> devices();
}
