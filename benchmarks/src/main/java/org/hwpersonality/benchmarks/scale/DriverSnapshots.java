package org.hwpersonality.benchmarks.scale;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.DriverCheck;

/**
 * Driver availability as the management service's {@code DriverCache} answers it: a snapshot of the package list
 * replaced every two seconds, each snapshot keeping its answers in a concurrent map keyed by profile and guest. Here
 * every Linux driver exists and a Windows driver for two profiles in three that declare one.
 */
final class DriverSnapshots {
    static final long TTL_NANOS = 2_000_000_000L;

    /**
     * With {@code -Dhwp.bench.stableDrivers=true}, one snapshot for the whole run: what {@code DriverCache} would
     * hand out if it kept its snapshot while the package list it re-reads is unchanged (not the case today).
     */
    private static final boolean STABLE = Boolean.getBoolean("hwp.bench.stableDrivers");

    private Snapshot current = new Snapshot(System.nanoTime());

    DriverCheck current() {
        Snapshot s = current;
        if (!STABLE && System.nanoTime() - s.loadedAt > TTL_NANOS) {
            s = new Snapshot(System.nanoTime());
            current = s;
        }
        return s;
    }

    private record Question(String personalityId, OsInfo os) {}

    private static final class Snapshot implements DriverCheck {
        final long loadedAt;
        final Map<Question, Boolean> answers = new ConcurrentHashMap<>();

        Snapshot(long loadedAt) {
            this.loadedAt = loadedAt;
        }

        @Override
        public boolean hasDriver(PersonalityProfile p, OsInfo os) {
            return answers.computeIfAbsent(
                    new Question(p.personalityId(), os),
                    k -> !os.family().equals("windows")
                            || Math.floorMod(p.personalityId().hashCode(), 3) != 0);
        }
    }
}
