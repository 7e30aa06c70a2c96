package org.hwpersonality.api.service;

import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.device.RegionRef;
import org.hwpersonality.api.internal.Checks;

/**
 * How to match one request: which drivers exist, regions and profiles to leave out (a region whose programming
 * just failed, a personality that under-delivered), and a region the VM holds now that counts as free (for a
 * re-personalization in place).
 */
public record MatchOptions(
        DriverCheck drivers, Set<RegionRef> excludedRegions, Set<String> excludedProfiles, Optional<RegionRef> held) {
    public MatchOptions {
        Checks.notNull("drivers", drivers);
        excludedRegions = Set.copyOf(Checks.notNull("excludedRegions", excludedRegions));
        excludedProfiles = Set.copyOf(Checks.notNull("excludedProfiles", excludedProfiles));
        Checks.notNull("held", held);
    }

    /** Nothing left out, nothing held. */
    public static MatchOptions of(DriverCheck drivers) {
        return new MatchOptions(drivers, Set.of(), Set.of(), Optional.empty());
    }

    /** The same options answered from other drivers (a fresher snapshot). */
    public MatchOptions withDrivers(DriverCheck other) {
        return new MatchOptions(other, excludedRegions, excludedProfiles, held);
    }

    public MatchOptions excludingRegion(RegionRef region) {
        return new MatchOptions(drivers, union(excludedRegions, region), excludedProfiles, held);
    }

    public MatchOptions excludingProfile(String personalityId) {
        return new MatchOptions(drivers, excludedRegions, union(excludedProfiles, personalityId), held);
    }

    public MatchOptions holding(RegionRef region) {
        return new MatchOptions(drivers, excludedRegions, excludedProfiles, Optional.of(region));
    }

    private static <T> Set<T> union(Set<T> set, T element) {
        java.util.HashSet<T> copy = new java.util.HashSet<>(set);
        copy.add(element);
        return copy;
    }
}
