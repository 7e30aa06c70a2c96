package org.hwpersonality.api.profile;

import java.util.List;
import java.util.Optional;
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

    /**
     * The clock a tunable sets: the clock named like the tunable, or the one it names with the suffix
     * {@code ClockMhz} ({@code kernelClockMhz} sets {@code kernel}). Every back end applies clocks (the xclbin's
     * CLOCK_FREQ_TOPOLOGY, OPAE's user clocks, the simulator's model); a tunable that sets no clock (say, a number
     * of compute units fixed in the image) cannot be applied to the card, so adjustment does not search it.
     */
    public Optional<ClockSetting> clockSetBy(String tunable) {
        for (ClockSetting c : clocks) {
            if (tunable.equals(c.name()) || tunable.equals(c.name() + "ClockMhz")) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
