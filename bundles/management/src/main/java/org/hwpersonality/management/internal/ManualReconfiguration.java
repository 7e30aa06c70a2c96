package org.hwpersonality.management.internal;

import java.util.function.Function;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.allocation.Reconfiguration;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.api.store.DeviceRecords;

/** An operator programs a free region of one of this node's devices by hand ({@code device:reconfigure}). */
final class ManualReconfiguration {
    private final DeviceRecords records;
    private final ProfileRepository profiles;
    private final RegionProgramming programming;
    private final Function<String, Device> ownDevice;

    ManualReconfiguration(
            DeviceRecords records,
            ProfileRepository profiles,
            RegionProgramming programming,
            Function<String, Device> ownDevice) {
        this.records = records;
        this.profiles = profiles;
        this.programming = programming;
        this.ownDevice = ownDevice;
    }

    Reconfiguration reconfigure(String deviceId, String regionId, String personalityId) {
        Device device = ownDevice.apply(deviceId);
        Region region = freeRegion(device, regionId);
        PersonalityProfile profile =
                profiles.find(personalityId).orElseThrow(() -> HwpException.notFound("profile", personalityId));
        FitCheck.require(profile, device, region);
        return programming.run(
                device,
                region,
                Programmer.load(profile),
                RegionState.FREE,
                true,
                new RegionSteps(records, device.id()));
    }

    static Region freeRegion(Device device, String regionId) {
        Region region = device.region(regionId)
                .orElseThrow(() -> HwpException.notFound("region", device.id() + "/" + regionId));
        if (region.state() != RegionState.FREE) {
            throw HwpException.conflict(
                    "region " + device.id() + "/" + regionId + " is " + region.state() + ", not FREE");
        }
        return region;
    }
}
