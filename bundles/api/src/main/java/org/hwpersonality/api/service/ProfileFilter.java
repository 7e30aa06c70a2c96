package org.hwpersonality.api.service;

import org.hwpersonality.api.profile.PersonalityProfile;

/** Which profiles a request may be matched with: those whose image and profile its tenant may load. */
@FunctionalInterface
public interface ProfileFilter {
    /** Every profile: a tenant that may load everything (nothing in the installation is restricted). */
    ProfileFilter ALL = p -> true;

    boolean permits(PersonalityProfile profile);
}
