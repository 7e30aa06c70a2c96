package org.hwpersonality.management.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.DriverCheck;
import org.hwpersonality.api.service.DriverRepository;

/**
 * Which driver packages exist, for matching: the package list is read at most every {@link #TTL_NANOS}; each read
 * is a {@link DriverCheck} snapshot whose answers are kept for its life (so the matcher may keep them per snapshot).
 * A DERIVED profile is served by its parent's packages (same image, same driver).
 */
final class DriverCache {
    static final long TTL_NANOS = 2_000_000_000L;

    /** Marks a derived profile's name: {@code PARENT-NAME-adj-HASH}. */
    static final String DERIVED_MARK = "-adj-";

    private final DriverRepository drivers;
    private volatile Snapshot current;

    DriverCache(DriverRepository drivers) {
        this.drivers = drivers;
        refresh();
    }

    /** Reads the package list now. */
    void refresh() {
        current = new Snapshot(drivers.list(), System.nanoTime());
    }

    /** The packages as read at most {@link #TTL_NANOS} ago. */
    DriverCheck current() {
        Snapshot s = current;
        if (System.nanoTime() - s.loadedAt > TTL_NANOS) {
            refresh();
            s = current;
        }
        return s;
    }

    /** One read of the package list and the answers given from it. */
    private static final class Snapshot implements DriverCheck {
        private final List<DriverPackage> packages;
        private final long loadedAt;
        private final Map<Question, Boolean> answers = new ConcurrentHashMap<>();

        Snapshot(List<DriverPackage> packages, long loadedAt) {
            this.packages = List.copyOf(packages);
            this.loadedAt = loadedAt;
        }

        @Override
        public boolean hasDriver(PersonalityProfile p, OsInfo os) {
            return answers.computeIfAbsent(
                    new Question(p.personalityId(), os),
                    k -> packages.stream().anyMatch(d -> d.supports(os) && serves(d, p)));
        }
    }

    /** Is there a package for this profile and this guest. */
    private record Question(String personalityId, OsInfo os) {}

    /**
     * The package for the profile and guest: the closest fit ({@link DriverPackage#affinity}), then the newest
     * version. Read from the current list (at most {@link #TTL_NANOS} old); when it has none, from a fresh one (a
     * package may have just been published). A DERIVED profile gets its parent's.
     */
    Optional<DriverPackage> resolve(PersonalityProfile p, OsInfo os) {
        Snapshot s = current;
        if (System.nanoTime() - s.loadedAt > TTL_NANOS) {
            refresh();
            s = current;
        }
        Optional<DriverPackage> found = resolve(s.packages, p, os);
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

    private static boolean serves(DriverPackage d, PersonalityProfile p) {
        String family = p.compatibility().family();
        if (d.serves(p.personalityId(), p.name(), family)) {
            return true;
        }
        int mark = p.name().lastIndexOf(DERIVED_MARK);
        return p.lineage().isPresent()
                && mark > 0
                && d.serves(p.lineage().get().parentId(), p.name().substring(0, mark), family);
    }
}
