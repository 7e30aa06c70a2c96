package org.hwpersonality.api.service;

import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whether a driver package serves a profile on a guest OS: a profile only fits an OS that has a driver.
 *
 * <p>One instance is a snapshot: it answers the same way for the same profile and guest for its whole life, so a
 * {@link MatchIndex} may keep its answers per instance. Pass a new instance when the packages change.
 */
@ConsumerType
@FunctionalInterface
public interface DriverCheck {
    boolean hasDriver(PersonalityProfile profile, OsInfo os);
}
