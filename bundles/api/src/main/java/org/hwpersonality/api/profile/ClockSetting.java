package org.hwpersonality.api.profile;

import org.hwpersonality.api.internal.Checks;

/** A clock of the image and its frequency in MHz (e.g. {@code kernel} at 300 MHz). */
public record ClockSetting(String name, double frequencyMhz) {
    /** Above any FPGA fabric clock. */
    public static final double MAX_MHZ = 2000;

    public ClockSetting {
        Checks.id("name", name);
        Checks.atMost("frequencyMhz", Checks.positive("frequencyMhz", frequencyMhz), MAX_MHZ);
    }
}
