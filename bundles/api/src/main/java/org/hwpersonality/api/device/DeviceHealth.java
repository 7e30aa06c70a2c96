package org.hwpersonality.api.device;

import java.util.Optional;
import org.hwpersonality.api.internal.Checks;

/** A device's health as its back end reports it: healthy or not, a message, and the die temperature if known. */
public record DeviceHealth(boolean healthy, String message, Optional<Double> temperatureCelsius) {
    public static final DeviceHealth OK = new DeviceHealth(true, "ok", Optional.empty());

    public DeviceHealth {
        message = Checks.optionalText("message", message, Checks.MAX_TEXT);
        Checks.notNull("temperatureCelsius", temperatureCelsius);
        temperatureCelsius.ifPresent(t -> Checks.finite("temperatureCelsius", t));
    }
}
