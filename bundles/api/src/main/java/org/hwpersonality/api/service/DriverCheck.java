package org.hwpersonality.api.service;

import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.osgi.annotation.versioning.ConsumerType;

/** Whether a driver package serves a profile on a guest OS: a profile only fits an OS that has a driver. */
@ConsumerType
@FunctionalInterface
public interface DriverCheck {
    boolean hasDriver(PersonalityProfile profile, OsInfo os);
}
