package org.hwpersonality.management.internal;

import java.util.List;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.MatchIndex;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.api.store.DeviceRecords;

/**
 * Keeps the match index a faithful cache of the database: profiles by revision (only what changed since the
 * revision last seen, from any node), devices as a whole or one by one after each change this node makes.
 */
final class IndexKeeper {
    private final MatchIndex index;
    private final ProfileRepository profiles;
    private final DeviceRecords devices;
    private long seenRevision = -1;

    IndexKeeper(MatchIndex index, ProfileRepository profiles, DeviceRecords devices) {
        this.index = index;
        this.profiles = profiles;
        this.devices = devices;
    }

    /** Takes in the profiles changed since the last call (all of them the first time); true if any. */
    synchronized boolean refreshProfiles() {
        long revision = profiles.revision();
        if (revision == seenRevision) {
            return false;
        }
        // Read before the changes: a change made in between is read again next time, which is harmless.
        List<PersonalityProfile> changed = profiles.changedSince(Math.max(0, seenRevision));
        index.putProfiles(changed);
        seenRevision = revision;
        return !changed.isEmpty();
    }

    void refreshDevices() {
        index.putDevices(devices.devices());
    }

    /** The device as the database has it now, into the index; the device itself. */
    Device refreshDevice(String deviceId) {
        Device d = devices.device(deviceId)
                .orElseThrow(() -> org.hwpersonality.api.HwpException.notFound("device", deviceId));
        index.putDevices(List.of(d));
        return d;
    }

    void add(PersonalityProfile p) {
        index.putProfiles(List.of(p));
    }

    MatchIndex index() {
        return index;
    }
}
