package org.hwpersonality.management.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.artifact.Bitstream;
import org.hwpersonality.api.backend.ImageDescriptor;
import org.hwpersonality.api.backend.ReconfigurationBackend;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.profile.ClockSetting;
import org.hwpersonality.api.profile.Compatibility;
import org.hwpersonality.api.profile.FabricConfiguration;
import org.hwpersonality.api.profile.MemoryMap;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.OsSupport;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.profile.WorkloadProfile;
import org.hwpersonality.api.service.BitstreamStore;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.api.store.DeviceRecords;

/**
 * Characterization: a stored image is programmed on a free region of one of this node's devices, the workload is
 * measured through the back end, and a CHARACTERIZED profile with the measured figures is stored.
 */
final class Characterization {
    private final DeviceRecords records;
    private final ProfileRepository profiles;
    private final BitstreamStore bitstreams;
    private final BackendRegistry backends;
    private final RegionProgramming programming;
    private final Function<String, Device> ownDevice;

    Characterization(
            DeviceRecords records,
            ProfileRepository profiles,
            BitstreamStore bitstreams,
            BackendRegistry backends,
            RegionProgramming programming,
            Function<String, Device> ownDevice) {
        this.records = records;
        this.profiles = profiles;
        this.bitstreams = bitstreams;
        this.backends = backends;
        this.programming = programming;
        this.ownDevice = ownDevice;
    }

    PersonalityProfile characterize(String deviceId, Sha256 image, String workload, String name, OsSupport os) {
        Device device = ownDevice.apply(deviceId);
        Bitstream bitstream = bitstreams.find(image).orElseThrow(() -> HwpException.notFound("bitstream", image.hex()));
        Region region = device.regions().stream()
                .filter(r -> r.state() == RegionState.FREE)
                .findFirst()
                .orElseThrow(() -> HwpException.conflict("device " + deviceId + " has no FREE region"));
        String personalityId = name + "-v1";
        if (profiles.find(personalityId).isPresent()) {
            throw HwpException.conflict("profile " + personalityId + " exists already; choose another --name");
        }
        ReconfigurationBackend backend = backends.get(device.backend()).orElseThrow();
        ImageDescriptor descriptor = backend.inspect(bitstreams.path(image));
        programming.run(
                device,
                region,
                new RegionProgramming.Load(image, personalityId, List.of(), null, List.of()),
                RegionState.FREE,
                true,
                new RegionSteps(records, device.id()));
        PerformanceFigures measured = backend.measure(device.localId(), region.id(), workload)
                .orElseThrow(() -> new HwpException(
                        ErrorCode.CONFLICT,
                        "back end '" + device.backend() + "' cannot measure " + workload + " on " + bitstream.name()
                                + " (a real card's back end measures with its configured workload command)"));
        String card = cardReadings(backend, device);
        List<ClockSetting> clocks = descriptor.clocksMhz().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new ClockSetting(e.getKey(), e.getValue()))
                .toList();
        // What the image needs of the region is not known from outside: the profile claims the whole region.
        return profiles.store(new PersonalityProfile(
                personalityId,
                name,
                1,
                "Characterized from " + bitstream.name() + " on " + deviceId + "/" + region.id() + card,
                new Compatibility(device.vendor(), device.family(), Set.of(device.interfaceId())),
                List.of(new WorkloadProfile(workload, measured)),
                List.of(os),
                new FabricConfiguration(image, region.kind(), region.capacity(), clocks),
                MemoryMap.EMPTY,
                List.of(),
                List.of(),
                Origin.CHARACTERIZED,
                Optional.empty(),
                ProfileStatus.ACTIVE,
                Instant.now()));
    }

    /** What the card's sensors read after the measurement, for the profile's description; empty if nothing. */
    private static String cardReadings(ReconfigurationBackend backend, Device device) {
        try {
            return backend.readings(device.localId())
                    .filter(r ->
                            r.powerWatts().isPresent() || !r.temperaturesC().isEmpty())
                    .map(r -> " (card read " + r.describe() + ")")
                    .orElse("");
        } catch (RuntimeException e) {
            return ""; // the sensors are a note in the description, not part of the measurement
        }
    }
}
