package org.hwpersonality.api.service;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The Hardware Personality Repository (step 1): durable storage of profiles. Stored profiles never change,
 * except their status; a new version is a new profile.
 */
@ProviderType
public interface ProfileRepository {
    /** Stores new profiles, all or none; fails with CONFLICT if an ID or a name and version exists. */
    List<PersonalityProfile> storeAll(List<PersonalityProfile> profiles);

    /** Stores one new profile. */
    default PersonalityProfile store(PersonalityProfile profile) {
        return storeAll(List.of(profile)).get(0);
    }

    Optional<PersonalityProfile> find(String personalityId);

    List<PersonalityProfile> list(ProfileQuery query);

    /** Marks a profile RETIRED: no longer matched, kept for the allocations that use it. */
    PersonalityProfile retire(String personalityId);

    long count();

    /**
     * A number that grows with every change of the stored profiles (a store, a retirement), on any node that
     * shares the database: caches compare it with the one they last saw.
     */
    long revision();

    /** The profiles stored or changed after {@code revision} (any status), in revision order. */
    List<PersonalityProfile> changedSince(long revision);
}
