package org.hwpersonality.api.service;

import java.util.Collection;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What the matcher matches against: the active profiles for a workload, the devices, and whether a driver
 * package exists for a profile and guest. The management service implements it over its indexes.
 */
@ConsumerType
public interface MatchInventory {
    Collection<PersonalityProfile> activeProfilesFor(String workload);

    Collection<Device> devices();

    boolean hasDriver(PersonalityProfile profile, OsInfo os);
}
