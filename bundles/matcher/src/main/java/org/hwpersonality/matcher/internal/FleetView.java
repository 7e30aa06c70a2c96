package org.hwpersonality.matcher.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.device.RegionRef;
import org.hwpersonality.api.device.RegionState;

/**
 * The fleet as matching needs it. Regions are grouped by what decides whether a profile fits them (vendor,
 * family, shell, kind, capacity): a fleet of 10,000 cards has a few dozen groups, and a profile is placed by
 * looking at the groups of its vendor and family, not at every card. Each group keeps its FREE regions of devices
 * that take allocations, in (device, region) order; a second map finds the FREE regions that already hold an
 * image. A region claimed by a request on its way to the database is in neither until the claim is released.
 */
final class FleetView {
    /** What decides whether a profile fits a region. */
    record GroupKey(String vendor, String family, String interfaceId, RegionKind kind, Resources capacity) {}

    /** Regions alike; the FREE ones in order. */
    static final class Group {
        final GroupKey key;
        final ConcurrentSkipListSet<RegionRef> free = new ConcurrentSkipListSet<>(REGION_ORDER);

        Group(GroupKey key) {
            this.key = key;
        }
    }

    static final Comparator<RegionRef> REGION_ORDER =
            Comparator.comparing(RegionRef::deviceId).thenComparing(RegionRef::regionId);

    private static final Comparator<Group> GROUP_ORDER = Comparator.comparing((Group g) -> g.key.interfaceId())
            .thenComparing(g -> g.key.kind())
            .thenComparing(g -> g.key.capacity().luts())
            .thenComparing(g -> g.key.capacity().memoryMb())
            .thenComparing(g -> g.key.capacity().toString());

    private final Object lock = new Object();
    private final Map<String, Device> devices = new ConcurrentHashMap<>();
    private final Map<GroupKey, Group> groups = new ConcurrentHashMap<>();
    private final Map<RegionRef, Group> groupOf = new ConcurrentHashMap<>();
    private final Map<Sha256, ConcurrentSkipListSet<RegionRef>> holding = new ConcurrentHashMap<>();
    private final Set<RegionRef> claimed = ConcurrentHashMap.newKeySet();
    private volatile Map<VendorFamily, Group[]> byVendorFamily = Map.of();

    void put(Collection<Device> changed) {
        synchronized (lock) {
            boolean newGroups = false;
            for (Device d : changed) {
                Device old = devices.put(d.id(), d);
                if (old != null) {
                    for (Region r : old.regions()) {
                        RegionRef ref = new RegionRef(old.id(), r.id());
                        Group g = groupOf.remove(ref);
                        if (g != null) {
                            g.free.remove(ref);
                        }
                        r.loadedImage().ifPresent(image -> unhold(image, ref));
                    }
                }
                for (Region r : d.regions()) {
                    RegionRef ref = new RegionRef(d.id(), r.id());
                    GroupKey key = new GroupKey(d.vendor(), d.family(), d.interfaceId(), r.kind(), r.capacity());
                    Group g = groups.get(key);
                    if (g == null) {
                        g = new Group(key);
                        groups.put(key, g);
                        newGroups = true;
                    }
                    groupOf.put(ref, g);
                    if (offered(d, r, ref)) {
                        g.free.add(ref);
                        r.loadedImage()
                                .ifPresent(image -> holding.computeIfAbsent(
                                                image, k -> new ConcurrentSkipListSet<>(REGION_ORDER))
                                        .add(ref));
                    }
                }
            }
            if (newGroups) {
                Map<VendorFamily, List<Group>> byVf = new HashMap<>();
                groups.values()
                        .forEach(g -> byVf.computeIfAbsent(
                                        vendorFamily(g.key.vendor(), g.key.family()), k -> new ArrayList<>())
                                .add(g));
                Map<VendorFamily, Group[]> next = new HashMap<>();
                byVf.forEach((k, list) ->
                        next.put(k, list.stream().sorted(GROUP_ORDER).toArray(Group[]::new)));
                byVendorFamily = next;
            }
        }
    }

    /** One region of a held device replaced; the device's other regions as they are here. */
    void putRegion(String deviceId, Region region) {
        synchronized (lock) {
            Device d = devices.get(deviceId);
            if (d == null || d.region(region.id()).isEmpty()) {
                return;
            }
            put(List.of(d.withRegion(region)));
        }
    }

    private boolean offered(Device d, Region r, RegionRef ref) {
        return d.acceptsAllocations() && r.state() == RegionState.FREE && !claimed.contains(ref);
    }

    private void unhold(Sha256 image, RegionRef ref) {
        ConcurrentSkipListSet<RegionRef> set = holding.get(image);
        if (set != null) {
            set.remove(ref);
            if (set.isEmpty()) {
                holding.remove(image, set);
            }
        }
    }

    /** Takes a FREE region out of view for one request; false if it is not offered. */
    boolean claim(RegionRef ref) {
        synchronized (lock) {
            Group g = groupOf.get(ref);
            if (g == null || claimed.contains(ref) || !g.free.remove(ref)) {
                return false;
            }
            claimed.add(ref);
            region(ref).flatMap(Region::loadedImage).ifPresent(image -> unhold(image, ref));
            return true;
        }
    }

    /** Ends a claim: the region is offered again if the device, as last put, says it is FREE. */
    void release(RegionRef ref) {
        synchronized (lock) {
            if (!claimed.remove(ref)) {
                return;
            }
            Device d = devices.get(ref.deviceId());
            Optional<Region> r = region(ref);
            Group g = groupOf.get(ref);
            if (d != null && r.isPresent() && g != null && offered(d, r.get(), ref)) {
                g.free.add(ref);
                r.get()
                        .loadedImage()
                        .ifPresent(
                                image -> holding.computeIfAbsent(image, k -> new ConcurrentSkipListSet<>(REGION_ORDER))
                                        .add(ref));
            }
        }
    }

    Optional<Region> region(RegionRef ref) {
        Device d = devices.get(ref.deviceId());
        return d == null ? Optional.empty() : d.region(ref.regionId());
    }

    Optional<Device> device(String id) {
        return Optional.ofNullable(devices.get(id));
    }

    /** The groups of a vendor and family, in a fixed order. */
    Group[] groups(String vendor, String family) {
        return byVendorFamily.getOrDefault(vendorFamily(vendor, family), NO_GROUPS);
    }

    Group groupOf(RegionRef ref) {
        return groupOf.get(ref);
    }

    /** The offered regions that hold an image now. */
    Collection<RegionRef> holding(Sha256 image) {
        Collection<RegionRef> set = holding.get(image);
        return set == null ? List.of() : set;
    }

    int size() {
        return devices.size();
    }

    private static VendorFamily vendorFamily(String vendor, String family) {
        return new VendorFamily(vendor, family);
    }

    private record VendorFamily(String vendor, String family) {}

    private static final Group[] NO_GROUPS = new Group[0];
}
