package org.hwpersonality.api.profile;

import java.util.Map;
import org.hwpersonality.api.internal.Checks;

/** Settings of one peripheral applied with the image (e.g. {@code qsfp0} with {@code speed=100G}). */
public record PeripheralSetting(String name, Map<String, String> settings) {
    public PeripheralSetting {
        Checks.id("name", name);
        settings = Checks.stringMap("settings", settings, 64);
    }
}
