package org.hwpersonality.matcher.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.allocation.MatchCandidate;
import org.hwpersonality.api.allocation.MatchOutcome;
import org.hwpersonality.api.allocation.MatchResult;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.device.RegionRef;
import org.hwpersonality.api.profile.Compatibility;
import org.hwpersonality.api.profile.Lineage;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.service.MatchIndex;
import org.hwpersonality.api.service.MatchOptions;
import org.hwpersonality.api.service.ProfileFilter;
import org.hwpersonality.matcher.internal.FleetView.Group;
import org.hwpersonality.matcher.internal.ProfileCatalog.Entry;

/**
 * Matching over the in-memory index.
 *
 * <ol>
 *   <li>The profiles of the workload are walked from the throughput floor upwards (closest to the goal first).
 *       Each must support the guest OS and kernel, have a driver package for it, stay within the latency, power
 *       and memory requirements, and not be excluded. Each that does is placed: on a FREE region that already
 *       holds its image (no reprogramming), on the region the VM holds (re-personalization in place), and on the
 *       first FREE region of every region group of its vendor and family whose shell, kind and capacity fit. For
 *       a VM that runs on a host, only that node's regions are looked at (a host has a few cards: all of its FREE
 *       regions are walked).
 *       The walk stops after {@value #ENOUGH_PROFILES} placed profiles or {@value #SCAN_LIMIT} examined ones.
 *   <li>With nothing placed, profiles with tunables are searched for the cheapest variant that meets the goals,
 *       nearest below the floor first, at most {@value #ADJUST_LIMIT} of them.
 *   <li>Placements are ranked by the {@link Scoring score} (ties by Personality ID, device, region); the best
 *       {@link MatchOptions#candidates} (8 unless asked otherwise) are returned with their reasons. Stored profiles
 *       always come before variants.
 * </ol>
 *
 * A refusal is NO_CAPACITY when some profile (or variant) met every requirement but found no region, else
 * NO_MATCHING_PROFILE; it lists why the nearest profiles failed. Those reasons are written out only for a refusal:
 * a found match carries none (nobody reads them, and writing them cost a tenth of a match).
 */
final class MemoryIndex implements MatchIndex {
    static final int ENOUGH_PROFILES = 16;
    static final int SCAN_LIMIT = 4096;
    static final int ADJUST_LIMIT = 32;
    static final int ENOUGH_VARIANTS = 4;
    static final int MAX_REFUSALS = 10;

    /**
     * Best score first; ties by Personality ID, device, region (written out: the sort runs for every request). Most
     * ties are one profile on two regions alike: its entry is not read for them (one ID per entry in a workload).
     */
    private static final Comparator<Placed> RANK = (a, b) -> {
        int c = Double.compare(b.score(), a.score());
        if (c == 0 && a.entry() != b.entry()) {
            c = a.entry().id.compareTo(b.entry().id);
        }
        if (c == 0) {
            c = a.region().deviceId().compareTo(b.region().deviceId());
        }
        return c != 0 ? c : a.region().regionId().compareTo(b.region().regionId());
    };

    private final ProfileCatalog catalog = new ProfileCatalog();
    private final FleetView fleet = new FleetView();

    private final Guests guests = new Guests();

    /**
     * A profile (or variant) on a region, scored. {@code variant} is null for a stored profile, whose figures and
     * resources are its entry's (read only for the placement a match answers with).
     */
    private record Placed(
            Entry entry,
            Adjustment.Variant variant,
            Optional<Lineage> lineage,
            RegionRef region,
            Resources capacity,
            boolean reuse,
            double score) {
        PerformanceFigures figures() {
            return variant != null ? variant.figures() : entry.figures;
        }

        Resources need() {
            return variant != null ? variant.resources() : entry.need;
        }
    }

    @Override
    public void putProfiles(Collection<PersonalityProfile> profiles) {
        catalog.put(profiles);
    }

    @Override
    public void putDevices(Collection<Device> devices) {
        fleet.put(devices);
    }

    @Override
    public void putRegion(String deviceId, Region region) {
        fleet.putRegion(deviceId, region);
    }

    @Override
    public void putLearned(Collection<org.hwpersonality.api.outcome.LearnedFigures> learned) {
        catalog.putLearned(learned);
    }

    @Override
    public Optional<Device> device(String deviceId) {
        return fleet.device(deviceId);
    }

    @Override
    public boolean claim(RegionRef region) {
        return fleet.claim(region);
    }

    @Override
    public void release(RegionRef region) {
        fleet.release(region);
    }

    @Override
    public Optional<PersonalityProfile> profile(String personalityId) {
        return catalog.find(personalityId);
    }

    @Override
    public int profileCount() {
        return catalog.size();
    }

    @Override
    public int deviceCount() {
        return fleet.size();
    }

    @Override
    public MatchResult match(PersonalityRequest request, MatchOptions options) {
        WorkloadProfiles entries = catalog.of(request.workload());
        if (entries.size() == 0) {
            return MatchResult.refused(
                    MatchOutcome.NO_MATCHING_PROFILE,
                    List.of("no active profile serves workload " + request.workload()));
        }
        Requirements requirements = request.requirements();
        Limits limits = Limits.of(requirements);
        Guests.Guest guest = guests.of(request.os());
        // Why profiles were passed over: written out only for a refusal (a found match carries none).
        List<Supplier<String>> refusals = new ArrayList<>();
        List<Supplier<String>> capacity = new ArrayList<>();
        List<Placed> placed = new ArrayList<>();
        boolean feasible = false;
        int floor = entries.lowerBound(limits.minThroughput());

        int profilesPlaced = 0;
        for (int i = floor, scanned = 0;
                i < entries.size() && profilesPlaced < ENOUGH_PROFILES && scanned < SCAN_LIMIT;
                i++, scanned++) {
            // The numeric limits first: they are the cheapest test and reject the most.
            if (!entries.meets(i, limits)) {
                if (refusals.size() >= MAX_REFUSALS) {
                    continue;
                }
                Entry e = entries.get(i);
                long memory = entries.memoryMb(i);
                refuse(refusals, e, () -> String.join(", ", requirements.unmetBy(e.figures, memory)));
                continue;
            }
            if (!eligible(entries, i, guest, options, refusals)) {
                continue;
            }
            feasible = true;
            if (place(entries, i, null, Optional.empty(), requirements, options, placed)) {
                profilesPlaced++;
            } else if (capacity.size() < MAX_REFUSALS) {
                Entry e = entries.get(i);
                capacity.add(() -> noRegion(e.profile, options.host()));
            }
        }
        if (!placed.isEmpty()) {
            return result(MatchOutcome.EXACT, placed, requirements, options.candidates());
        }

        int searched = 0;
        int variantsPlaced = 0;
        for (int k = 0, scanned = 0;
                k < entries.size()
                        && searched < ADJUST_LIMIT
                        && variantsPlaced < ENOUGH_VARIANTS
                        && scanned < SCAN_LIMIT;
                k++, scanned++) {
            // Nearest below the floor first (they fall short on throughput), then those above it (over a ceiling).
            int i = k < floor ? floor - 1 - k : k;
            if (i >= floor && entries.meets(i, limits)) {
                continue; // meets the request as stored: the first walk placed it or found no region
            }
            if (!entries.tunable(i)) {
                if (i < floor && refusals.size() < MAX_REFUSALS) {
                    Entry e = entries.get(i);
                    long memory = entries.memoryMb(i);
                    if (eligible(entries, i, guest, options, null)) {
                        refuse(refusals, e, () -> String.join(", ", requirements.unmetBy(e.figures, memory)));
                    }
                }
                continue;
            }
            if (!eligible(entries, i, guest, options, i < floor ? refusals : null)) {
                continue;
            }
            Entry e = entries.get(i);
            long memory = entries.memoryMb(i);
            searched++;
            // The cheapest variant that fits a region free now; else the cheapest at all (then it is NO_CAPACITY).
            // Not searched when the best each tunable reaches on its own already misses the limits.
            Optional<Adjustment.Variant> variant = Optional.empty();
            if (entries.mayAdjustTo(i, limits)) {
                variant = Adjustment.cheapest(
                        e.profile, e.figures, requirements, need -> fitsSomewhere(e.profile, need, options.host()));
                if (variant.isEmpty()) {
                    variant = Adjustment.cheapest(e.profile, e.figures, requirements, need -> true);
                }
            }
            if (variant.isEmpty()) {
                refuse(
                        refusals,
                        e,
                        () -> String.join(", ", requirements.unmetBy(e.figures, memory))
                                + "; no variant of its tunables meets them");
                continue;
            }
            feasible = true;
            Adjustment.Variant v = variant.get();
            Lineage lineage = Adjustment.lineage(e.profile, v, requirements);
            if (place(entries, i, v, Optional.of(lineage), requirements, options, placed)) {
                variantsPlaced++;
            } else if (capacity.size() < MAX_REFUSALS) {
                capacity.add(() -> noRegion(e.profile, options.host()) + " (adjusted)");
            }
        }
        if (!placed.isEmpty()) {
            return result(MatchOutcome.ADJUSTED, placed, requirements, options.candidates());
        }
        if (feasible) {
            capacity.addAll(refusals);
            return MatchResult.refused(MatchOutcome.NO_CAPACITY, nearest(capacity));
        }
        return MatchResult.refused(MatchOutcome.NO_MATCHING_PROFILE, nearest(refusals));
    }

    /**
     * Not excluded, supports the guest, has a driver; else a refusal (into {@code refusals} unless null). The entry
     * itself is read only when there is an exclusion to test or a refusal to explain.
     */
    private static boolean eligible(
            WorkloadProfiles entries,
            int i,
            Guests.Guest guest,
            MatchOptions options,
            List<Supplier<String>> refusals) {
        Set<String> excluded = options.excludedProfiles();
        if (!excluded.isEmpty() && excluded.contains(entries.get(i).id)) {
            refuse(refusals, entries.get(i), () -> "left out (it under-delivered, or was tried)");
            return false;
        }
        if (options.permitted() != ProfileFilter.ALL && !options.permitted().permits(entries.get(i).profile)) {
            return false; // not shared with the VM's tenant: left out without a word (a refusal names no such profile)
        }
        Verdict v = entries.verdict(i, guest, options.drivers());
        if (v == Verdict.ELIGIBLE || refusals == null || refusals.size() >= MAX_REFUSALS) {
            return v == Verdict.ELIGIBLE;
        }
        OsInfo os = guest.os();
        if (!v.supported()) {
            refuse(
                    refusals,
                    entries.get(i),
                    () -> "no support for " + os.family()
                            + os.kernel().map(k -> " " + k).orElse(""));
        } else {
            refuse(refusals, entries.get(i), () -> "no driver package for " + os.family());
        }
        return false;
    }

    private static void refuse(List<Supplier<String>> refusals, Entry e, Supplier<String> why) {
        if (refusals != null && refusals.size() < MAX_REFUSALS) {
            refusals.add(() -> e.id + ": " + why.get());
        }
    }

    /**
     * Places the i-th profile as stored ({@code variant} null) or a variant of it: on FREE regions holding its image,
     * on the VM's held region, and on the first FREE region of each fitting group. Returns whether it found any. What
     * it reads of a stored profile comes from the flat arrays; its entry only when a region may hold its image.
     */
    private boolean place(
            WorkloadProfiles entries,
            int i,
            Adjustment.Variant variant,
            Optional<Lineage> lineage,
            Requirements requirements,
            MatchOptions options,
            List<Placed> out) {
        Entry e = entries.get(i); // read below only where a region may hold its image, or for the held region
        Compatibility c = entries.compatibility(i);
        RegionKind kind = entries.kind(i);
        double profilePart = variant == null
                ? Scoring.profilePart(entries.throughput(i), entries.latency(i), entries.power(i), requirements)
                : Scoring.profilePart(variant.figures(), requirements);
        Set<RegionRef> excluded = options.excludedRegions();
        int before = out.size();
        if (options.host().isPresent()) {
            placeOnHost(entries, i, variant, lineage, options, profilePart, out);
            return out.size() > before;
        }
        RegionRef reused = null;
        if (variant == null && fleet.mayHold(entries.imageHash(i))) {
            for (RegionRef ref : fleet.holding(e.profile.fabric().bitstream())) {
                Group g = fleet.groupOf(ref);
                if (g != null && !excluded.contains(ref) && fits(g, c, kind, entries, i, variant)) {
                    reused = ref;
                    out.add(placed(entries, i, variant, lineage, ref, g, true, profilePart));
                    break;
                }
            }
        }
        if (options.held().isPresent()) {
            RegionRef held = options.held().get();
            Group g = fleet.groupOf(held);
            boolean accepts = fleet.device(held.deviceId())
                    .map(Device::acceptsAllocations)
                    .orElse(false);
            if (g != null && accepts && !excluded.contains(held) && fits(g, c, kind, entries, i, variant)) {
                boolean loaded = variant == null
                        && fleet.region(held)
                                .flatMap(r -> r.loadedImage())
                                .equals(Optional.of(e.profile.fabric().bitstream()));
                out.add(placed(entries, i, variant, lineage, held, g, loaded, profilePart));
            }
        }
        for (Group g : fleet.fitting(c, kind)) {
            if (!fitsIn(entries, i, variant, g.key.capacity())) {
                continue;
            }
            for (RegionRef ref : g.free) {
                if (!ref.equals(reused) && !excluded.contains(ref)) {
                    out.add(placed(entries, i, variant, lineage, ref, g, false, profilePart));
                    break;
                }
            }
        }
        return out.size() > before;
    }

    /**
     * Places a profile on the FREE regions of the VM's host: on one that holds its image, on the VM's held region if
     * it is there, and on the first of each fitting group.
     */
    private void placeOnHost(
            WorkloadProfiles entries,
            int i,
            Adjustment.Variant variant,
            Optional<Lineage> lineage,
            MatchOptions options,
            double profilePart,
            List<Placed> out) {
        String host = options.host().get();
        Compatibility c = entries.compatibility(i);
        RegionKind kind = entries.kind(i);
        Set<RegionRef> excluded = options.excludedRegions();
        Optional<org.hwpersonality.api.Sha256> image =
                variant == null ? Optional.of(entries.get(i).profile.fabric().bitstream()) : Optional.empty();
        boolean reused = false;
        List<Group> placedIn = new ArrayList<>(4);
        for (RegionRef ref : fleet.freeOn(host)) {
            Group g = fleet.groupOf(ref);
            if (g == null || excluded.contains(ref) || !fits(g, c, kind, entries, i, variant)) {
                continue;
            }
            if (!reused
                    && image.isPresent()
                    && fleet.region(ref).flatMap(Region::loadedImage).equals(image)) {
                reused = true;
                out.add(placed(entries, i, variant, lineage, ref, g, true, profilePart));
            } else if (!placedIn.contains(g)) {
                placedIn.add(g);
                out.add(placed(entries, i, variant, lineage, ref, g, false, profilePart));
            }
        }
        if (options.held().isPresent()) {
            RegionRef held = options.held().get();
            Group g = fleet.groupOf(held);
            boolean accepts = fleet.device(held.deviceId())
                    .map(d -> d.acceptsAllocations() && d.node().equals(host))
                    .orElse(false);
            if (g != null && accepts && !excluded.contains(held) && fits(g, c, kind, entries, i, variant)) {
                boolean loaded = image.isPresent()
                        && fleet.region(held).flatMap(Region::loadedImage).equals(image);
                out.add(placed(entries, i, variant, lineage, held, g, loaded, profilePart));
            }
        }
    }

    /** Whether a region group of the profile's vendor and family with a FREE region takes this need. */
    private boolean fitsSomewhere(PersonalityProfile p, Resources need, Optional<String> host) {
        if (host.isPresent()) {
            for (RegionRef ref : fleet.freeOn(host.get())) {
                Group g = fleet.groupOf(ref);
                if (g != null && fits(g, p.compatibility(), p.fabric().regionKind(), need)) {
                    return true;
                }
            }
            return false;
        }
        for (Group g : fleet.fitting(p.compatibility(), p.fabric().regionKind())) {
            if (need.fitsIn(g.key.capacity()) && !g.free.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static boolean fits(Group g, Compatibility c, RegionKind kind, Resources need) {
        FleetView.GroupKey k = g.key;
        return k.kind() == kind && c.accepts(k.vendor(), k.family(), k.interfaceId()) && need.fitsIn(k.capacity());
    }

    /** The same for the i-th profile as stored ({@code variant} null) or its variant. */
    private static boolean fits(
            Group g, Compatibility c, RegionKind kind, WorkloadProfiles entries, int i, Adjustment.Variant variant) {
        FleetView.GroupKey k = g.key;
        return k.kind() == kind
                && c.accepts(k.vendor(), k.family(), k.interfaceId())
                && fitsIn(entries, i, variant, k.capacity());
    }

    private static boolean fitsIn(WorkloadProfiles entries, int i, Adjustment.Variant variant, Resources capacity) {
        return variant == null
                ? entries.fitsIn(i, capacity)
                : variant.resources().fitsIn(capacity);
    }

    private static Placed placed(
            WorkloadProfiles entries,
            int i,
            Adjustment.Variant variant,
            Optional<Lineage> lineage,
            RegionRef ref,
            Group g,
            boolean reuse,
            double profilePart) {
        Resources capacity = g.key.capacity();
        double fit = variant == null
                ? entries.utilizationOf(i, capacity)
                : variant.resources().utilizationOf(capacity);
        return new Placed(
                entries.get(i), variant, lineage, ref, capacity, reuse, profilePart + Scoring.regionPart(reuse, fit));
    }

    /** The best {@code limit} placements as candidates, with their reasons (one: no sort, the best is picked). */
    private static MatchResult result(MatchOutcome outcome, List<Placed> placed, Requirements requirements, int limit) {
        List<Placed> best;
        if (limit == 1) {
            best = List.of(java.util.Collections.min(placed, RANK));
        } else {
            placed.sort(RANK);
            best = placed.subList(0, Math.min(limit, placed.size()));
        }
        List<MatchCandidate> candidates = new ArrayList<>(best.size());
        for (Placed p : best) {
            List<String> reasons = new ArrayList<>(Scoring.reasons(
                    p.figures(), p.entry().learnedFrom, p.need(), p.capacity(), p.reuse(), requirements));
            p.lineage().ifPresent(l -> reasons.add(0, "adjusted from " + l.parentId() + ": " + l.adjustments()));
            candidates.add(new MatchCandidate(
                    p.entry().id,
                    p.region().deviceId(),
                    p.region().regionId(),
                    p.figures(),
                    p.score(),
                    p.reuse(),
                    p.lineage(),
                    reasons));
        }
        return new MatchResult(outcome, candidates, List.of());
    }

    private static String noRegion(PersonalityProfile p, Optional<String> host) {
        return p.personalityId() + ": no FREE " + p.fabric().regionKind() + " region on an "
                + p.compatibility().vendor() + " " + p.compatibility().family()
                + host.map(h -> " of host " + h).orElse("") + " that takes allocations";
    }

    /** The first {@value #MAX_REFUSALS} reasons, written out. */
    private static List<String> nearest(List<Supplier<String>> reasons) {
        List<String> out = new ArrayList<>(Math.min(MAX_REFUSALS, reasons.size()));
        for (Supplier<String> r : reasons.subList(0, Math.min(MAX_REFUSALS, reasons.size()))) {
            out.add(r.get());
        }
        return out;
    }
}
