package org.hwpersonality.api.backend;

import java.nio.file.Path;
import java.util.List;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.internal.Checks;
import org.hwpersonality.api.profile.ClockSetting;
import org.hwpersonality.api.profile.MemoryMap;
import org.hwpersonality.api.profile.PeripheralSetting;

/**
 * An order to program one region with an image and the profile's runtime settings (clocks, memory map,
 * peripherals), on behalf of a personality.
 */
public record ProgrammingRequest(
        String deviceId,
        String regionId,
        Path image,
        Sha256 imageSha256,
        String personalityId,
        List<ClockSetting> clocks,
        MemoryMap memoryMap,
        List<PeripheralSetting> peripherals) {
    public ProgrammingRequest {
        Checks.id("deviceId", deviceId);
        Checks.id("regionId", regionId);
        Checks.notNull("image", image);
        Checks.notNull("imageSha256", imageSha256);
        Checks.id("personalityId", personalityId);
        clocks = Checks.list("clocks", clocks, 16);
        memoryMap = memoryMap == null ? MemoryMap.EMPTY : memoryMap;
        peripherals = Checks.list("peripherals", peripherals, 64);
    }
}
