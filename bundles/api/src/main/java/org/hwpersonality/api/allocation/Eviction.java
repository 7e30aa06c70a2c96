package org.hwpersonality.api.allocation;

import java.util.Map;
import org.hwpersonality.api.internal.Checks;

/**
 * What evicting a device did: it is DRAINING; {@code moved} maps each allocation it served to the one that replaced
 * it on another device (made before the old one was released), {@code stayed} each allocation still on it to why.
 */
public record Eviction(String deviceId, Map<String, String> moved, Map<String, String> stayed) {
    public Eviction {
        Checks.id("deviceId", deviceId);
        moved = Map.copyOf(Checks.notNull("moved", moved));
        stayed = Map.copyOf(Checks.notNull("stayed", stayed));
    }

    /** Whether every VM the device served was moved. */
    public boolean complete() {
        return stayed.isEmpty();
    }
}
