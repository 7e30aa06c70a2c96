package org.hwpersonality.benchmarks.scale;

import java.util.HashMap;
import java.util.Map;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.DriverCheck;

/**
 * Driver availability as the management service's {@code DriverCache} answers it: the package list is re-read every
 * two seconds and the snapshot kept while the list is unchanged (here it never changes); a snapshot answers by
 * looking up the profile's selectors (Personality ID, name, {@code family:NAME}) in maps of what its packages
 * serve, adding nothing per question. Here every Linux driver exists and a Windows driver for two profiles in three
 * that declare one (a rule standing in for the packages, after the same three lookups).
 */
final class DriverSnapshots {
    static final long TTL_NANOS = 2_000_000_000L;

    /**
     * With {@code -Dhwp.bench.driverChurn=true}, every re-read finds a changed list and makes a new snapshot (a
     * package published every two seconds): the matcher's per-snapshot answers start over each time.
     */
    private static final boolean CHURN = Boolean.getBoolean("hwp.bench.driverChurn");

    private Snapshot current = new Snapshot();
    private long readAt = System.nanoTime();

    DriverCheck current() {
        if (System.nanoTime() - readAt > TTL_NANOS) {
            if (CHURN) {
                current = new Snapshot();
            }
            readAt = System.nanoTime();
        }
        return current;
    }

    private static final class Snapshot implements DriverCheck {
        /** What the packages serve, by selector: the OS family of a package that serves it. */
        private final Map<String, String> bySelector = new HashMap<>();
        /** The same for {@code family:NAME} selectors, by NAME. */
        private final Map<String, String> byFamily = new HashMap<>();

        @Override
        public boolean hasDriver(PersonalityProfile p, OsInfo os) {
            String served = bySelector.get(p.personalityId());
            if (served == null) {
                served = bySelector.get(p.name());
            }
            if (served == null) {
                served = byFamily.get(p.compatibility().family());
            }
            if (served != null) {
                return served.equals(os.family());
            }
            return !os.family().equals("windows")
                    || Math.floorMod(p.personalityId().hashCode(), 3) != 0;
        }
    }
}
