package org.hwpersonality.api.service;

import org.hwpersonality.api.allocation.MatchResult;
import org.hwpersonality.api.request.PersonalityRequest;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Chooses profiles and regions for a request (step 3): hard constraints first, then a documented score;
 * with no exact match it searches the profiles' tunables for the cheapest variant that meets the goals.
 * Deterministic for the same request and inventory.
 */
@ProviderType
public interface PersonalityMatcher {
    MatchResult match(PersonalityRequest request, MatchInventory inventory);
}
