package org.hwpersonality.api.service;

import java.util.Collection;
import org.hwpersonality.api.allocation.MatchResult;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionRef;
import org.hwpersonality.api.request.PersonalityRequest;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The matcher's in-memory view of the active profiles and the fleet, a cache of the database: its user puts in
 * what the database holds and every change it learns of. Matching answers from the index alone, so it stays fast
 * at 100,000 profiles and 10,000 devices; the database remains the judge of every allocation. Thread-safe: matches
 * run concurrently with updates.
 *
 * <p>Matching applies hard constraints (workload; guest OS and kernel with a driver package; every stated
 * requirement; a device that takes allocations, of the profile's vendor, family and shell, with a FREE region of
 * the right kind and size), then a documented score. With no exact match it searches the profiles' tunables for
 * the cheapest variant that meets the goals. Every answer carries reasons; the same request and index give the
 * same answer.
 */
@ProviderType
public interface MatchIndex {
    /** Adds or replaces profiles; a profile that is not ACTIVE is taken out. */
    void putProfiles(Collection<org.hwpersonality.api.profile.PersonalityProfile> profiles);

    /** Adds or replaces devices as the database has them now. */
    void putDevices(Collection<Device> devices);

    /**
     * Replaces one region of a device the index holds, as this node just wrote it: the device's other regions stay
     * as the index has them (another request may be changing them). Ignored for a device or region it does not
     * hold.
     */
    void putRegion(String deviceId, Region region);

    /** The device as last put, if the index holds it. */
    java.util.Optional<Device> device(String deviceId);

    /**
     * Takes a FREE region out of the index for the caller, atomically, before the caller reserves it in the
     * database: concurrent requests on this node never pick the same region. False when it is not free here.
     */
    boolean claim(RegionRef region);

    /**
     * Ends a claim. The caller first puts the device as the database has it after the reservation (or its
     * failure), so the region is offered again only if it is still FREE.
     */
    void release(RegionRef region);

    /**
     * Replaces the learned figures the index ranks by: a profile with learned figures for the family of its
     * compatibility and the workload is ranked and checked against requirements by {@link
     * org.hwpersonality.api.outcome.LearnedFigures#ranked} instead of its promise, and its reasons say so. The
     * caller passes only the figures it trusts (enough samples); any other profile keeps its promise.
     */
    void putLearned(Collection<org.hwpersonality.api.outcome.LearnedFigures> learned);

    MatchResult match(PersonalityRequest request, MatchOptions options);

    int profileCount();

    /** An ACTIVE profile the index holds (as of its last update), if any. */
    java.util.Optional<org.hwpersonality.api.profile.PersonalityProfile> profile(String personalityId);

    int deviceCount();
}
