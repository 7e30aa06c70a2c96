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
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.profile.WorkloadProfile;
import org.hwpersonality.api.service.DriverCheck;

/**
 * The ACTIVE profiles by workload, each workload's profiles sorted by throughput (then ID): a request's throughput
 * floor is a binary search, and the profiles above it come closest to the goal first. Readers see immutable arrays;
 * writers (one at a time) build new arrays by merging, so a change costs O(n) and never blocks a match.
 */
final class ProfileCatalog {
    /** One profile serving one workload, with what matching reads of it on the hot path. */
    static final class Entry {
        final PersonalityProfile profile;
        final String id;
        final PerformanceFigures figures;
        final double throughput;
        final double latency;
        final double power;
        final long memoryMb;

        Entry(PersonalityProfile profile, WorkloadProfile workload) {
            this.profile = profile;
            this.id = profile.personalityId();
            this.figures = workload.performance();
            this.throughput = figures.throughputGops();
            this.latency = figures.latencyUs();
            this.power = figures.powerWatts();
            this.memoryMb = profile.fabric().resources().memoryMb();
        }

        /**
         * Whether the profile supports the guest and has a driver for it. The last verdict is kept, for the same
         * guest instance and the same driver snapshot ({@link DriverCheck}): a fleet's guests are mostly alike.
         */
        Verdict verdict(OsInfo os, DriverCheck drivers) {
            Verdict last = this.last;
            if (last != null && last.os == os && last.drivers == drivers) {
                return last;
            }
            boolean supported = profile.supports(os);
            Verdict v = new Verdict(os, drivers, supported, supported && drivers.hasDriver(profile, os));
            this.last = v;
            return v;
        }

        private volatile Verdict last;
    }

    /** A profile's answer for one guest and one driver snapshot. */
    record Verdict(OsInfo os, DriverCheck drivers, boolean supported, boolean hasDriver) {}

    static final Comparator<Entry> ORDER =
            Comparator.<Entry>comparingDouble(e -> e.throughput).thenComparing(e -> e.id);

    private static final Entry[] NONE = new Entry[0];

    private final Map<String, PersonalityProfile> byId = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Map<String, Entry[]> byWorkload = Map.of();

    /** Adds or replaces profiles; those not ACTIVE are taken out. */
    synchronized void put(Collection<PersonalityProfile> profiles) {
        Map<String, List<Entry>> added = new HashMap<>();
        Set<String> replaced = new HashSet<>();
        Set<String> touched = new HashSet<>();
        for (PersonalityProfile p : profiles) {
            PersonalityProfile old = byId.remove(p.personalityId());
            if (old != null) {
                replaced.add(old.personalityId());
                old.workloads().forEach(w -> touched.add(w.workload()));
            }
            if (p.status() == ProfileStatus.ACTIVE) {
                byId.put(p.personalityId(), p);
                for (WorkloadProfile w : p.workloads()) {
                    added.computeIfAbsent(w.workload(), k -> new ArrayList<>()).add(new Entry(p, w));
                    touched.add(w.workload());
                }
            }
        }
        Map<String, Entry[]> next = new HashMap<>(byWorkload);
        for (String workload : touched) {
            Entry[] kept = Arrays.stream(next.getOrDefault(workload, NONE))
                    .filter(e -> !replaced.contains(e.id))
                    .toArray(Entry[]::new);
            Entry[] fresh = added.getOrDefault(workload, List.of()).toArray(Entry[]::new);
            Arrays.sort(fresh, ORDER);
            Entry[] merged = merge(kept, fresh);
            if (merged.length == 0) {
                next.remove(workload);
            } else {
                next.put(workload, merged);
            }
        }
        byWorkload = next;
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
    Entry[] of(String workload) {
        return byWorkload.getOrDefault(workload, NONE);
    }

    /** The first index whose throughput is at least {@code floor}. */
    static int lowerBound(Entry[] entries, double floor) {
        int lo = 0;
        int hi = entries.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (entries[mid].throughput < floor) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    java.util.Optional<PersonalityProfile> find(String personalityId) {
        return java.util.Optional.ofNullable(byId.get(personalityId));
    }

    int size() {
        return byId.size();
    }
}
