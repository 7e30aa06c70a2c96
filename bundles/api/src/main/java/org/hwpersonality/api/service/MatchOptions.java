package org.hwpersonality.api.service;

import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.device.RegionRef;
import org.hwpersonality.api.internal.Checks;

/**
 * How to match one request: which drivers exist, regions and profiles to leave out (a region whose programming
 * just failed, a personality that under-delivered), a region the VM holds now that counts as free (for a
 * re-personalization in place), the node whose devices alone may be used (the host the VM runs on), and which
 * profiles the VM's tenant may load ({@code permitted}; a profile it may not is left out without a word, so that a
 * refusal names no other tenant's profile), and how many candidates to answer with ({@code candidates}: the best
 * first; the management service reserves the first and matches again if it was taken, so it asks for one).
 */
public record MatchOptions(
        DriverCheck drivers,
        Set<RegionRef> excludedRegions,
        Set<String> excludedProfiles,
        Optional<RegionRef> held,
        Optional<String> host,
        ProfileFilter permitted,
        int candidates) {
    /** How many candidates a match answers with unless asked otherwise. */
    public static final int DEFAULT_CANDIDATES = 8;

    public MatchOptions {
        Checks.notNull("drivers", drivers);
        excludedRegions = Set.copyOf(Checks.notNull("excludedRegions", excludedRegions));
        excludedProfiles = Set.copyOf(Checks.notNull("excludedProfiles", excludedProfiles));
        Checks.notNull("held", held);
        Checks.notNull("host", host);
        Checks.notNull("permitted", permitted);
        if (candidates < 1 || candidates > 64) {
            throw new org.hwpersonality.api.ValidationException(
                    "candidates", "must be 1 to 64 (was " + candidates + ")");
        }
    }

    /** Nothing left out, nothing held, any node. */
    public static MatchOptions of(DriverCheck drivers) {
        return new MatchOptions(
                drivers, Set.of(), Set.of(), Optional.empty(), Optional.empty(), ProfileFilter.ALL, DEFAULT_CANDIDATES);
    }

    /** The same options answered from other drivers (a fresher snapshot). */
    public MatchOptions withDrivers(DriverCheck other) {
        return new MatchOptions(other, excludedRegions, excludedProfiles, held, host, permitted, candidates);
    }

    public MatchOptions excludingRegion(RegionRef region) {
        return new MatchOptions(
                drivers, union(excludedRegions, region), excludedProfiles, held, host, permitted, candidates);
    }

    public MatchOptions excludingProfile(String personalityId) {
        return new MatchOptions(
                drivers, excludedRegions, union(excludedProfiles, personalityId), held, host, permitted, candidates);
    }

    /** Leaves out these personalities too (those that under-delivered on the VM lately). */
    public MatchOptions excludingProfiles(Set<String> personalityIds) {
        java.util.HashSet<String> all = new java.util.HashSet<>(excludedProfiles);
        all.addAll(personalityIds);
        return new MatchOptions(drivers, excludedRegions, all, held, host, permitted, candidates);
    }

    public MatchOptions holding(RegionRef region) {
        return new MatchOptions(
                drivers, excludedRegions, excludedProfiles, Optional.of(region), host, permitted, candidates);
    }

    /** Only devices of this node, when present (the VM's host); any node when empty. */
    public MatchOptions onHost(Optional<String> node) {
        return new MatchOptions(drivers, excludedRegions, excludedProfiles, held, node, permitted, candidates);
    }

    /** Only the profiles {@code filter} permits (those the VM's tenant may load). */
    public MatchOptions permitting(ProfileFilter filter) {
        return new MatchOptions(drivers, excludedRegions, excludedProfiles, held, host, filter, candidates);
    }

    /** At most {@code n} candidates, the best first (1 to 64). */
    public MatchOptions candidates(int n) {
        return new MatchOptions(drivers, excludedRegions, excludedProfiles, held, host, permitted, n);
    }

    private static <T> Set<T> union(Set<T> set, T element) {
        java.util.HashSet<T> copy = new java.util.HashSet<>(set);
        copy.add(element);
        return copy;
    }
}
