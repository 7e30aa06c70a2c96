package org.hwpersonality.api.profile;

import java.util.List;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.internal.Checks;

/**
 * How the fabric is configured: the programming image (by SHA-256 in the bitstream store), whether it fills
 * the device or one partial-reconfiguration region, the resources it needs and its clocks.
 */
public record FabricConfiguration(
        Sha256 bitstream, RegionKind regionKind, Resources resources, List<ClockSetting> clocks) {
    public FabricConfiguration {
        Checks.notNull("bitstream", bitstream);
        Checks.notNull("regionKind", regionKind);
        Checks.notNull("resources", resources);
        clocks = Checks.list("clocks", clocks, 16);
        Checks.unique("clocks", clocks, ClockSetting::name, "name");
    }
}
