package org.hwpersonality.api.service;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Chooses profiles and regions for a request (step 3). The matcher works on an in-memory {@link MatchIndex}
 * that its user fills from the database and keeps current; each user (the management service, a benchmark)
 * has its own.
 */
@ProviderType
public interface PersonalityMatcher {
    /** An empty index. */
    MatchIndex newIndex();
}
