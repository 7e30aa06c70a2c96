package org.hwpersonality.api.device;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/**
 * An FPGA device of the fleet: who makes it, which family and static shell (interface ID) it has, the back
 * end that programs it, its state and health, its regions, and the node whose back end sees it ({@code node}),
 * which knows it by {@code localId} (the back end's own name for it, e.g. a PCI address). The {@code id} is unique in
 * the installation: {@link #qualifiedId(String, String) node and local ID}, or, for a device recorded before
 * devices belonged to nodes, the local ID it had then.
 */
public record Device(
        String id,
        String vendor,
        String model,
        String family,
        String interfaceId,
        String backend,
        DeviceState state,
        DeviceHealth health,
        List<Region> regions,
        String node,
        String localId) {
    public static final int MAX_REGIONS = 64;

    /** The installation-wide ID of the device a node's back end calls {@code localId}: {@code NODE:LOCAL-ID}. */
    public static String qualifiedId(String node, String localId) {
        return Checks.id("id", node + ":" + localId);
    }

    public Device {
        Checks.id("id", id);
        Checks.name("vendor", vendor);
        Checks.text("model", model, 256);
        Checks.id("family", family);
        interfaceId = Checks.interfaceId("interfaceId", interfaceId);
        Checks.name("backend", backend);
        Checks.notNull("state", state);
        Checks.notNull("health", health);
        regions = Checks.nonEmptyList("regions", regions, MAX_REGIONS);
        Checks.unique("regions", regions, Region::id, "id");
        Checks.id("node", node);
        Checks.id("localId", localId);
        boolean full = regions.stream().anyMatch(r -> r.kind() == RegionKind.FULL);
        if (full && regions.size() > 1) {
            throw new ValidationException("regions", "a FULL region must be the device's only region");
        }
    }

    public Optional<Region> region(String regionId) {
        return regions.stream().filter(r -> r.id().equals(regionId)).findFirst();
    }

    /** This device with {@code region} in place of its region of the same ID. */
    public Device withRegion(Region region) {
        if (region(region.id()).isEmpty()) {
            throw new IllegalArgumentException("device " + id + " has no region " + region.id());
        }
        return new Device(
                id,
                vendor,
                model,
                family,
                interfaceId,
                backend,
                state,
                health,
                regions.stream()
                        .map(r -> r.id().equals(region.id()) ? region : r)
                        .toList(),
                node,
                localId);
    }

    /** This device in another state. */
    public Device withState(DeviceState next) {
        return new Device(id, vendor, model, family, interfaceId, backend, next, health, regions, node, localId);
    }

    /** Regions in use (not FREE). */
    public long regionsUsed() {
        return regions.stream().filter(r -> r.state() != RegionState.FREE).count();
    }

    /** Whether new allocations may go to this device. */
    public boolean acceptsAllocations() {
        return state == DeviceState.ONLINE && health.healthy();
    }
}
