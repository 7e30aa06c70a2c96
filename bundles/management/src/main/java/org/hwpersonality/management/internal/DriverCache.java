package org.hwpersonality.management.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.DriverCheck;
import org.hwpersonality.api.service.DriverRepository;

/**
 * Which driver packages exist, for matching: the package list is read at most every {@link #TTL_NANOS}; each read
 * that finds a different list makes a new {@link DriverCheck} snapshot, and a read that finds the same list keeps the
 * snapshot (so the matcher, which keeps its answers per snapshot, keeps them while the packages do not change). A
 * DERIVED profile is served by its parent's packages (same image, same driver).
 */
final class DriverCache {
    static final long TTL_NANOS = 2_000_000_000L;

    /** Marks a derived profile's name: {@code PARENT-NAME-adj-HASH}. */
    static final String DERIVED_MARK = "-adj-";

    private final DriverRepository drivers;
    private volatile Snapshot current;
    private volatile long readAt;

    DriverCache(DriverRepository drivers) {
        this.drivers = drivers;
        refresh();
    }

    /** Reads the package list now; keeps the snapshot if the list is unchanged. */
    void refresh() {
        List<DriverPackage> read = drivers.list();
        Snapshot s = current;
        if (s == null || !s.packages.equals(read)) {
            current = new Snapshot(read);
        }
        readAt = System.nanoTime();
    }

    /** The packages as read at most {@link #TTL_NANOS} ago. */
    DriverCheck current() {
        return snapshot();
    }

    private Snapshot snapshot() {
        if (System.nanoTime() - readAt > TTL_NANOS) {
            refresh();
        }
        return current;
    }

    /**
     * One package list, indexed by what its packages serve (Personality ID, profile name or {@code family:NAME}):
     * a question looks up the profile's few selectors instead of walking every package, and nothing is added per
     * question, so a snapshot kept for long does not grow.
     */
    private static final class Snapshot implements DriverCheck {
        private final List<DriverPackage> packages;
        private final Map<String, List<DriverPackage>> bySelector = new HashMap<>();
        /** The packages of {@code family:NAME} selectors, by NAME (a question then builds no selector string). */
        private final Map<String, List<DriverPackage>> byFamily = new HashMap<>();

        Snapshot(List<DriverPackage> packages) {
            this.packages = List.copyOf(packages);
            for (DriverPackage d : this.packages) {
                for (String selector : new HashSet<>(d.serves())) {
                    boolean family = selector.startsWith(DriverPackage.FAMILY);
                    (family ? byFamily : bySelector)
                            .computeIfAbsent(
                                    family ? selector.substring(DriverPackage.FAMILY.length()) : selector,
                                    k -> new ArrayList<>())
                            .add(d);
                }
            }
        }

        /**
         * Whether a package that supports the guest serves the profile ({@link DriverPackage#serves}), or serves the
         * parent of a derived profile: the answer of asking every package.
         */
        @Override
        public boolean hasDriver(PersonalityProfile p, OsInfo os) {
            if (any(bySelector.get(p.personalityId()), os)
                    || any(bySelector.get(p.name()), os)
                    || any(byFamily.get(p.compatibility().family()), os)) {
                return true;
            }
            int mark = p.name().lastIndexOf(DERIVED_MARK);
            return p.lineage().isPresent()
                    && mark > 0
                    && (any(bySelector.get(p.lineage().get().parentId()), os)
                            || any(bySelector.get(p.name().substring(0, mark)), os));
        }

        private static boolean any(List<DriverPackage> serving, OsInfo os) {
            if (serving == null) {
                return false;
            }
            for (DriverPackage d : serving) {
                if (d.supports(os)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The package for the profile and guest: the closest fit ({@link DriverPackage#affinity}), then the newest
     * version. Read from the current list (at most {@link #TTL_NANOS} old); when it has none, from a fresh one (a
     * package may have just been published). A DERIVED profile gets its parent's.
     */
    Optional<DriverPackage> resolve(PersonalityProfile p, OsInfo os) {
        Optional<DriverPackage> found = resolve(snapshot().packages, p, os);
        if (found.isEmpty()) {
            refresh();
            found = resolve(current.packages, p, os);
        }
        return found;
    }

    private static Optional<DriverPackage> resolve(List<DriverPackage> packages, PersonalityProfile p, OsInfo os) {
        String name = parentName(p);
        String id = p.lineage().map(l -> l.parentId()).orElse(p.personalityId());
        String driverName = p.osSupport().stream()
                .filter(s -> s.covers(os))
                .map(s -> s.driverName())
                .findFirst()
                .orElse("");
        String family = p.compatibility().family();
        return packages.stream()
                .filter(d -> d.affinity(id, name, family, driverName, os) > 0)
                .max(Comparator.<DriverPackage>comparingInt(d -> d.affinity(id, name, family, driverName, os))
                        .thenComparing(d -> d, DriverPackage::compareVersion)
                        .thenComparing(DriverPackage::storedAt));
    }

    /** The name of the profile a derived profile was made from (its own name otherwise). */
    private static String parentName(PersonalityProfile p) {
        int mark = p.name().lastIndexOf(DERIVED_MARK);
        return p.lineage().isPresent() && mark > 0 ? p.name().substring(0, mark) : p.name();
    }
}
