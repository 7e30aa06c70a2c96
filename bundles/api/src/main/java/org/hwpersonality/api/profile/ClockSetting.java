package org.hwpersonality.api.profile;

import org.hwpersonality.api.internal.Checks;

/** A clock of the image and its frequency in MHz (e.g. {@code kernel} at 300 MHz). */
public record ClockSetting(String name, double frequencyMhz) {
    /** Above any FPGA fabric clock. */
    public static final double MAX_MHZ = 2000;

    public ClockSetting {
        Checks.id("clock.name", name);
        Checks.atMost("clock.frequencyMhz", Checks.positive("clock.frequencyMhz", frequencyMhz), MAX_MHZ);
    }
}
