package org.hwpersonality.api.service;

import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.device.RegionRef;
import org.hwpersonality.api.internal.Checks;

/**
 * How to match one request: which drivers exist, regions and profiles to leave out (a region whose programming
 * just failed, a personality that under-delivered), a region the VM holds now that counts as free (for a
 * re-personalization in place), and the node whose devices alone may be used (the host the VM runs on).
 */
public record MatchOptions(
        DriverCheck drivers,
        Set<RegionRef> excludedRegions,
        Set<String> excludedProfiles,
        Optional<RegionRef> held,
        Optional<String> host) {
    public MatchOptions {
        Checks.notNull("drivers", drivers);
        excludedRegions = Set.copyOf(Checks.notNull("excludedRegions", excludedRegions));
        excludedProfiles = Set.copyOf(Checks.notNull("excludedProfiles", excludedProfiles));
        Checks.notNull("held", held);
        Checks.notNull("host", host);
    }

    /** Nothing left out, nothing held, any node. */
    public static MatchOptions of(DriverCheck drivers) {
        return new MatchOptions(drivers, Set.of(), Set.of(), Optional.empty(), Optional.empty());
    }

    /** The same options answered from other drivers (a fresher snapshot). */
    public MatchOptions withDrivers(DriverCheck other) {
        return new MatchOptions(other, excludedRegions, excludedProfiles, held, host);
    }

    public MatchOptions excludingRegion(RegionRef region) {
        return new MatchOptions(drivers, union(excludedRegions, region), excludedProfiles, held, host);
    }

    public MatchOptions excludingProfile(String personalityId) {
        return new MatchOptions(drivers, excludedRegions, union(excludedProfiles, personalityId), held, host);
    }

    public MatchOptions holding(RegionRef region) {
        return new MatchOptions(drivers, excludedRegions, excludedProfiles, Optional.of(region), host);
    }

    /** Only devices of this node, when present (the VM's host); any node when empty. */
    public MatchOptions onHost(Optional<String> node) {
        return new MatchOptions(drivers, excludedRegions, excludedProfiles, held, node);
    }

    private static <T> Set<T> union(Set<T> set, T element) {
        java.util.HashSet<T> copy = new java.util.HashSet<>(set);
        copy.add(element);
        return copy;
    }
}
