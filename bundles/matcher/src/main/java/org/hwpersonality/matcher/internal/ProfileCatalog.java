package org.hwpersonality.matcher.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.outcome.LearnedFigures;
import org.hwpersonality.api.profile.Compatibility;
import org.hwpersonality.api.profile.OsSupport;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.profile.WorkloadProfile;

/**
 * The ACTIVE profiles by workload, each workload's profiles sorted by throughput (then ID): a request's throughput
 * floor is a binary search, and the profiles above it come closest to the goal first. Readers see immutable arrays;
 * writers (one at a time) build new arrays by merging, so a change costs O(n) and never blocks a match.
 */
final class ProfileCatalog {
    /**
     * One profile serving one workload, with what matching reads of it one object away. The walk itself reads most of
     * it from {@link WorkloadProfiles}'s flat arrays, copied from here; what those hold alone (latency, power, device
     * memory) is not kept twice.
     */
    static final class Entry {
        final PersonalityProfile profile;
        final String id;
        final PerformanceFigures figures;
        /** The figures' throughput, which {@link #ORDER} compares (sorting a million entries reads it often). */
        final double throughput;

        final boolean tunable;
        final GuestSupport support;
        /** The profile's compatibility, region kind and resources: what placing it reads (from the arrays). */
        final Compatibility compatibility;

        final RegionKind kind;
        final Resources need;
        /** The image's {@link org.hwpersonality.api.Sha256#hashCode}: {@link FleetView#mayHold} without the image. */
        final int imageHash;
        /** The reports its figures were learned from; 0: they are the profile's promise. */
        final int learnedFrom;

        /** An entry with its own {@link GuestSupport}, ranked by its promise. */
        Entry(PersonalityProfile profile, WorkloadProfile workload) {
            this(profile, workload, new GuestSupport(profile.osSupport()), null);
        }

        /**
         * {@code support}: shared by the profiles with an equal OS-support list; {@code learned}: the figures learned
         * for it on its family (null: ranked by its promise).
         */
        Entry(PersonalityProfile profile, WorkloadProfile workload, GuestSupport support, LearnedFigures learned) {
            this.profile = profile;
            this.support = support;
            this.tunable = !profile.applicableTunables().isEmpty();
            this.id = profile.personalityId();
            this.learnedFrom = learned == null ? 0 : learned.samples();
            this.figures = learned == null ? workload.performance() : learned.ranked(workload.performance());
            this.throughput = figures.throughputGops();
            this.imageHash = profile.fabric().bitstream().hashCode();
            this.compatibility = profile.compatibility();
            this.kind = profile.fabric().regionKind();
            this.need = profile.fabric().resources();
        }
    }

    static final Comparator<Entry> ORDER =
            Comparator.<Entry>comparingDouble(e -> e.throughput).thenComparing(e -> e.id);

    private final Map<String, PersonalityProfile> byId = new java.util.concurrent.ConcurrentHashMap<>();
    private final SharedParts parts = new SharedParts();
    private final Map<List<OsSupport>, GuestSupport> supports = new HashMap<>();
    private volatile Map<String, WorkloadProfiles> byWorkload = Map.of();
    /** The learned figures ranked by, by {@link #key}. */
    private Map<String, LearnedFigures> learned = Map.of();

    /** Adds or replaces profiles; those not ACTIVE are taken out. */
    synchronized void put(Collection<PersonalityProfile> profiles) {
        Map<String, List<Entry>> added = new HashMap<>();
        Set<String> replaced = new HashSet<>();
        Set<String> touched = new HashSet<>();
        for (PersonalityProfile given : profiles) {
            PersonalityProfile p = given.status() == ProfileStatus.ACTIVE ? parts.share(given) : given;
            PersonalityProfile old = byId.remove(p.personalityId());
            if (old != null) {
                replaced.add(old.personalityId());
                old.workloads().forEach(w -> touched.add(w.workload()));
            }
            if (p.status() == ProfileStatus.ACTIVE) {
                byId.put(p.personalityId(), p);
                for (WorkloadProfile w : p.workloads()) {
                    LearnedFigures l =
                            learned.get(key(p.personalityId(), p.compatibility().family(), w.workload()));
                    added.computeIfAbsent(w.workload(), k -> new ArrayList<>()).add(new Entry(p, w, supportOf(p), l));
                    touched.add(w.workload());
                }
            }
        }
        Map<String, WorkloadProfiles> next = new HashMap<>(byWorkload);
        for (String workload : touched) {
            Entry[] kept = Arrays.stream(
                            next.getOrDefault(workload, WorkloadProfiles.NONE).entries())
                    .filter(e -> !replaced.contains(e.id))
                    .toArray(Entry[]::new);
            Entry[] fresh = added.getOrDefault(workload, List.of()).toArray(Entry[]::new);
            Arrays.sort(fresh, ORDER);
            Entry[] merged = merge(kept, fresh);
            if (merged.length == 0) {
                next.remove(workload);
            } else {
                next.put(workload, new WorkloadProfiles(merged));
            }
        }
        byWorkload = next;
    }

    /**
     * Replaces the learned figures: the profiles whose figures change (learned, no longer learned, or learned anew)
     * are put again, so their entries move to their new place in throughput order.
     */
    synchronized void putLearned(Collection<LearnedFigures> figures) {
        Map<String, LearnedFigures> next = new HashMap<>();
        for (LearnedFigures f : figures) {
            next.put(key(f.personalityId(), f.family(), f.workload()), f);
        }
        Set<String> changed = new HashSet<>();
        for (LearnedFigures f : figures) {
            if (!f.equals(learned.get(key(f.personalityId(), f.family(), f.workload())))) {
                changed.add(f.personalityId());
            }
        }
        for (Map.Entry<String, LearnedFigures> old : learned.entrySet()) {
            if (!next.containsKey(old.getKey())) {
                changed.add(old.getValue().personalityId());
            }
        }
        learned = next;
        List<PersonalityProfile> again = new ArrayList<>();
        for (String id : changed) {
            PersonalityProfile p = byId.get(id);
            if (p != null) {
                again.add(p);
            }
        }
        if (!again.isEmpty()) {
            put(again);
        }
    }

    private static String key(String personalityId, String family, String workload) {
        return personalityId + '\n' + family + '\n' + workload;
    }

    /** The support answers of an OS-support list; equal lists share them (at most {@value SharedParts#LIMIT}). */
    private GuestSupport supportOf(PersonalityProfile p) {
        GuestSupport known = supports.get(p.osSupport());
        if (known == null) {
            if (supports.size() >= SharedParts.LIMIT) {
                supports.clear();
            }
            known = new GuestSupport(p.osSupport());
            supports.put(p.osSupport(), known);
        }
        return known;
    }

    private static Entry[] merge(Entry[] a, Entry[] b) {
        Entry[] out = new Entry[a.length + b.length];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < a.length && j < b.length) {
            out[k++] = ORDER.compare(a[i], b[j]) <= 0 ? a[i++] : b[j++];
        }
        while (i < a.length) {
            out[k++] = a[i++];
        }
        while (j < b.length) {
            out[k++] = b[j++];
        }
        return out;
    }

    /** The profiles serving a workload, by throughput; empty if none. */
    WorkloadProfiles of(String workload) {
        return byWorkload.getOrDefault(workload, WorkloadProfiles.NONE);
    }

    java.util.Optional<PersonalityProfile> find(String personalityId) {
        return java.util.Optional.ofNullable(byId.get(personalityId));
    }

    int size() {
        return byId.size();
    }
}
