package org.hwpersonality.management.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.api.store.AllocationRecords;
import org.hwpersonality.api.store.DeviceRecords;

/**
 * Pre-programming: an idle (FREE) region of this node is loaded with the personality its family's history says is
 * most likely requested next, so that the next request for it is a reuse with no programming time. The history is
 * the latest {@value #HISTORY} allocations: per device family, personalities ranked by how often they were
 * allocated (the most recent first among equals). A region keeps what it holds when that is in the ranking; else it
 * gets the first ranked personality that no FREE region of the family holds yet and that fits it. A region that may
 * hold a tenant's data (run for a VM of that tenant since its last clear) is pre-programmed only for that tenant,
 * from that tenant's history and with what it may load; a clean one from everyone's. One region at a time, as
 * {@link IdleWork}: it yields to requests.
 */
final class PreProgramming implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PreProgramming.class.getName());
    /** The allocations the ranking is made of. */
    static final int HISTORY = 200;
    /** How often idle regions are looked at (a release wakes it sooner). */
    static final Duration PASS_EVERY = Duration.ofSeconds(5);

    /** Programs a FREE region with a personality (the operators' path: fit checked, one state machine). */
    interface Programming {
        void load(String deviceId, String regionId, String personalityId);
    }

    private final AllocationRecords allocations;
    private final DeviceRecords devices;
    private final ProfileRepository profiles;
    private final TenantSeparation separation;
    private final Predicate<Device> ours;
    private final IdleWork idle;
    private final Programming programming;
    private final Passes passes;
    /** The tenant of each VM seen in the history (a VM's tenant never changes). */
    private final Map<String, String> tenants = new java.util.concurrent.ConcurrentHashMap<>();

    PreProgramming(
            AllocationRecords allocations,
            DeviceRecords devices,
            ProfileRepository profiles,
            TenantSeparation separation,
            Predicate<Device> ours,
            IdleWork idle,
            Programming programming) {
        this.allocations = allocations;
        this.devices = devices;
        this.profiles = profiles;
        this.separation = separation;
        this.ours = ours;
        this.idle = idle;
        this.programming = programming;
        this.passes = new Passes("hwp-pre-programming", PASS_EVERY, this::pass);
    }

    /** Looks at the idle regions soon (a region was released). */
    void wake() {
        passes.wake();
    }

    /** One look: programs at most one idle region, then looks again at once if it did. */
    private void pass() {
        try {
            if (programOne()) {
                wake();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "pre-programming pass failed; again in " + PASS_EVERY.toSeconds() + " s", e);
        }
    }

    /** The ranking of a family, for one tenant or (null) for everyone: personality IDs, most requested first. */
    private record Group(String family, String tenant) {}

    private boolean programOne() {
        List<Device> fleet = devices.devices();
        Map<String, Device> byId = fleet.stream().collect(Collectors.toMap(Device::id, d -> d, (a, b) -> a));
        Map<Group, List<String>> rankings = rankings(allocations.list(HISTORY), byId);
        if (rankings.isEmpty()) {
            return false;
        }
        for (Device device : fleet) {
            if (!ours.test(device) || device.state() != DeviceState.ONLINE) {
                continue;
            }
            for (Region region : device.regions()) {
                if (region.state() != RegionState.FREE) {
                    continue;
                }
                Group group = new Group(device.family(), region.tenant().orElse(null));
                List<String> ranking = rankings.getOrDefault(group, List.of());
                if (ranking.isEmpty()
                        || region.loadedPersonalityId().map(ranking::contains).orElse(false)) {
                    continue; // nothing to go by, or it holds one that is requested already
                }
                Set<String> held = fleet.stream()
                        .filter(d -> d.family().equals(device.family()))
                        .flatMap(d -> d.regions().stream())
                        // what idle regions hold for this region's tenant (for a clean one: for anyone)
                        .filter(r -> r.state() == RegionState.FREE
                                && (region.tenant().isEmpty() || r.tenant().equals(region.tenant())))
                        .flatMap(r -> r.loadedPersonalityId().stream())
                        .collect(Collectors.toSet());
                Optional<PersonalityProfile> target = ranking.stream()
                        .filter(p -> !held.contains(p))
                        .map(profiles::find)
                        .flatMap(Optional::stream)
                        .filter(p -> p.status() == ProfileStatus.ACTIVE)
                        .filter(p -> region.tenant()
                                .map(t -> separation.permits(p, t))
                                .orElse(true))
                        .filter(p -> fits(p, device, region))
                        .findFirst();
                if (target.isPresent()) {
                    String id = target.get().personalityId();
                    String where = device.id() + "/" + region.id();
                    boolean ran =
                            idle.run("pre-programming " + where + " with " + id, () -> load(where, device, region, id));
                    return ran; // one at a time; a request asked for quiet, or another job runs, otherwise
                }
            }
        }
        return false;
    }

    private void load(String where, Device device, Region region, String personalityId) {
        try {
            programming.load(device.id(), region.id(), personalityId);
            LOG.info("Pre-programmed " + where + " with " + personalityId
                    + region.tenant().map(t -> " (for tenant " + t + ")").orElse(""));
        } catch (HwpException e) {
            // A request took the region first, or it failed to program: the next pass looks again.
            LOG.info("Pre-programming " + where + " with " + personalityId + " did not complete: " + e.getMessage());
        }
    }

    private static boolean fits(PersonalityProfile p, Device device, Region region) {
        try {
            FitCheck.require(p, device, region);
            return true;
        } catch (HwpException e) {
            return false;
        }
    }

    /** Per family, and per family and tenant: personalities by allocations in the history, most first. */
    private Map<Group, List<String>> rankings(List<Allocation> history, Map<String, Device> byId) {
        Map<Group, Map<String, Integer>> counts = new HashMap<>();
        for (Allocation a : history) { // newest first: among equal counts, the most recent ranks first
            Device d = byId.get(a.deviceId());
            Optional<String> tenant = tenant(a.vmId());
            if (d == null) {
                continue;
            }
            counts.computeIfAbsent(new Group(d.family(), null), g -> new LinkedHashMap<>())
                    .merge(a.personalityId(), 1, Integer::sum);
            tenant.ifPresent(t -> counts.computeIfAbsent(new Group(d.family(), t), g -> new LinkedHashMap<>())
                    .merge(a.personalityId(), 1, Integer::sum));
        }
        Map<Group, List<String>> out = new HashMap<>();
        counts.forEach((group, byPersonality) -> {
            List<Map.Entry<String, Integer>> entries = new ArrayList<>(byPersonality.entrySet());
            entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed()); // stable: recency among equals
            out.put(group, entries.stream().map(Map.Entry::getKey).toList());
        });
        return out;
    }

    private Optional<String> tenant(String vmId) {
        String known = tenants.get(vmId);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            String t = separation.tenantOf(vmId);
            tenants.put(vmId, t);
            return Optional.of(t);
        } catch (HwpException gone) {
            return Optional.empty(); // the VM was deleted: its allocations count for the family alone
        }
    }

    @Override
    public void close() {
        passes.close();
    }
}
