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
import org.hwpersonality.api.profile.Compatibility;

/**
 * The fleet as matching needs it. Regions are grouped by what decides whether a profile fits them (vendor,
 * family, shell, kind, capacity): a fleet of 10,000 cards has a few dozen groups, and a profile is placed by
 * looking at the groups of its vendor and family, not at every card. Each group keeps its FREE regions of devices
 * that take allocations, in (device, region) order; a second map finds the FREE regions that already hold an
 * image, and a third the FREE regions of each node (a VM that runs on a host is placed on that node's few regions).
 * A region claimed by a request on its way to the database is in none until the claim is released.
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

    /**
     * One device as last put, and the lock for changes to its regions. Changes to different devices do not wait for
     * each other: under load every request and every release changes one region, and a single lock for the fleet
     * made them queue behind whichever thread held it when the OS took its core away.
     */
    private static final class Slot {
        volatile Device device;
    }

    private final Map<String, Slot> devices = new ConcurrentHashMap<>();
    private final Object groupsLock = new Object();
    private final Map<GroupKey, Group> groups = new ConcurrentHashMap<>();
    private final Map<RegionRef, Group> groupOf = new ConcurrentHashMap<>();
    /** The offered regions holding each image; an image's set stays when it empties, so no add can be lost. */
    private final Map<Sha256, ConcurrentSkipListSet<RegionRef>> holding = new ConcurrentHashMap<>();
    /** The same, counted per image hash: whether an image may be held is answered without the map. */
    private final LoadedImages loaded = new LoadedImages();

    /** The offered regions of each node, in order; a node's set stays when it empties. */
    private final Map<String, ConcurrentSkipListSet<RegionRef>> freeByNode = new ConcurrentHashMap<>();

    private final Set<RegionRef> claimed = ConcurrentHashMap.newKeySet();
    private volatile Map<VendorFamily, Group[]> byVendorFamily = Map.of();
    /**
     * Per compatibility, by region kind: the groups whose vendor, family, shell and kind take it (the profile's need
     * decides the rest). Started over when a group is added (written after {@link #byVendorFamily}).
     */
    private volatile Map<Compatibility, Group[][]> fitting = new ConcurrentHashMap<>();

    void put(Collection<Device> changed) {
        for (Device d : changed) {
            Slot slot = devices.computeIfAbsent(d.id(), k -> new Slot());
            synchronized (slot) {
                Device old = slot.device;
                slot.device = d;
                if (old != null) {
                    old.regions().forEach(r -> withdraw(old, r));
                }
                d.regions().forEach(r -> offer(d, r));
            }
        }
    }

    /** One region of a held device replaced; the device's other regions as they are here. */
    void putRegion(String deviceId, Region region) {
        Slot slot = devices.get(deviceId);
        if (slot == null) {
            return;
        }
        synchronized (slot) {
            Device old = slot.device;
            Optional<Region> previous = old == null ? Optional.empty() : old.region(region.id());
            if (previous.isEmpty()) {
                return;
            }
            Device d = old.withRegion(region);
            slot.device = d;
            withdraw(old, previous.get());
            offer(d, region);
        }
    }

    /** Takes a region of a device out of view (its slot's lock held). */
    private void withdraw(Device d, Region r) {
        RegionRef ref = new RegionRef(d.id(), r.id());
        Group g = groupOf.remove(ref);
        if (g != null) {
            g.free.remove(ref);
        }
        unfree(d.node(), ref);
        r.loadedImage().ifPresent(image -> unhold(image, ref));
    }

    /** Puts a region of a device in its group, and in view if it is offered (its slot's lock held). */
    private void offer(Device d, Region r) {
        RegionRef ref = new RegionRef(d.id(), r.id());
        Group g = group(new GroupKey(d.vendor(), d.family(), d.interfaceId(), r.kind(), r.capacity()));
        groupOf.put(ref, g);
        if (offered(d, r, ref)) {
            show(g, d, r, ref);
        }
    }

    private void show(Group g, Device d, Region r, RegionRef ref) {
        g.free.add(ref);
        freeByNode
                .computeIfAbsent(d.node(), k -> new ConcurrentSkipListSet<>(REGION_ORDER))
                .add(ref);
        r.loadedImage().ifPresent(image -> {
            if (holding.computeIfAbsent(image, k -> new ConcurrentSkipListSet<>(REGION_ORDER))
                    .add(ref)) {
                loaded.added(image);
            }
        });
    }

    private Group group(GroupKey key) {
        Group g = groups.get(key);
        if (g != null) {
            return g;
        }
        synchronized (groupsLock) {
            g = groups.get(key);
            if (g == null) {
                g = new Group(key);
                groups.put(key, g);
                Map<VendorFamily, List<Group>> byVf = new HashMap<>();
                groups.values()
                        .forEach(each -> byVf.computeIfAbsent(
                                        vendorFamily(each.key.vendor(), each.key.family()), k -> new ArrayList<>())
                                .add(each));
                Map<VendorFamily, Group[]> next = new HashMap<>();
                byVf.forEach((k, list) ->
                        next.put(k, list.stream().sorted(GROUP_ORDER).toArray(Group[]::new)));
                byVendorFamily = next;
                fitting = new ConcurrentHashMap<>();
            }
            return g;
        }
    }

    private boolean offered(Device d, Region r, RegionRef ref) {
        return d.acceptsAllocations() && r.state() == RegionState.FREE && !claimed.contains(ref);
    }

    private void unfree(String node, RegionRef ref) {
        ConcurrentSkipListSet<RegionRef> set = freeByNode.get(node);
        if (set != null) {
            set.remove(ref);
        }
    }

    private void unhold(Sha256 image, RegionRef ref) {
        ConcurrentSkipListSet<RegionRef> set = holding.get(image);
        if (set != null && set.remove(ref)) {
            loaded.removed(image);
        }
    }

    /** Takes a FREE region out of view for one request; false if it is not offered. */
    boolean claim(RegionRef ref) {
        Slot slot = devices.get(ref.deviceId());
        if (slot == null) {
            return false;
        }
        synchronized (slot) {
            Group g = groupOf.get(ref);
            if (g == null || claimed.contains(ref) || !g.free.remove(ref)) {
                return false;
            }
            claimed.add(ref);
            Device d = slot.device;
            if (d != null) {
                unfree(d.node(), ref);
            }
            region(ref).flatMap(Region::loadedImage).ifPresent(image -> unhold(image, ref));
            return true;
        }
    }

    /** Ends a claim: the region is offered again if the device, as last put, says it is FREE. */
    void release(RegionRef ref) {
        Slot slot = devices.get(ref.deviceId());
        if (slot == null) {
            return;
        }
        synchronized (slot) {
            if (!claimed.remove(ref)) {
                return;
            }
            Device d = slot.device;
            Optional<Region> r = region(ref);
            Group g = groupOf.get(ref);
            if (d != null && r.isPresent() && g != null && offered(d, r.get(), ref)) {
                show(g, d, r.get(), ref);
            }
        }
    }

    Optional<Region> region(RegionRef ref) {
        return device(ref.deviceId()).flatMap(d -> d.region(ref.regionId()));
    }

    Optional<Device> device(String id) {
        Slot slot = devices.get(id);
        return slot == null ? Optional.empty() : Optional.ofNullable(slot.device);
    }

    /** The groups of a vendor and family, in a fixed order. */
    private Group[] groups(String vendor, String family) {
        return byVendorFamily.getOrDefault(vendorFamily(vendor, family), NO_GROUPS);
    }

    /**
     * The groups whose vendor, family, shell and region kind take a profile of this compatibility and kind, in
     * {@link #GROUP_ORDER}; whether its need fits their capacity is the caller's to test. Worked out once per
     * compatibility (a catalogue shares a few hundred among its profiles) until a group is added.
     */
    Group[] fitting(Compatibility c, RegionKind kind) {
        Map<Compatibility, Group[][]> cache = fitting; // read before byVendorFamily: never older than it
        Group[][] byKind = cache.get(c);
        if (byKind == null) {
            Group[] all = groups(c.vendor(), c.family());
            byKind = new Group[KINDS.length][];
            for (RegionKind k : KINDS) {
                byKind[k.ordinal()] = java.util.Arrays.stream(all)
                        .filter(g ->
                                g.key.kind() == k && c.accepts(g.key.vendor(), g.key.family(), g.key.interfaceId()))
                        .toArray(Group[]::new);
            }
            if (cache.size() < MAX_COMPATIBILITIES) {
                cache.put(c, byKind);
            }
        }
        return byKind[kind.ordinal()];
    }

    /** The offered regions of a node's devices, in (device, region) order. */
    Collection<RegionRef> freeOn(String node) {
        Collection<RegionRef> set = freeByNode.get(node);
        return set == null ? List.of() : set;
    }

    Group groupOf(RegionRef ref) {
        return groupOf.get(ref);
    }

    /**
     * False when no offered region holds an image of this {@link Sha256#hashCode} (then {@link #holding} is empty);
     * for the profile walk, which knows its images' hashes without reading the images.
     */
    boolean mayHold(int imageHash) {
        return loaded.mayHold(imageHash);
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
    private static final RegionKind[] KINDS = RegionKind.values();
    /** Beyond this many distinct compatibilities, the fitting groups are worked out at each call instead of kept. */
    private static final int MAX_COMPATIBILITIES = 10_000;
}
