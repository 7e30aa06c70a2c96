package org.hwpersonality.api.device;

import org.hwpersonality.api.internal.Checks;

/** A back end present now: the vendor it serves, the bundle that provides it, and how many devices it reported. */
public record BackendInfo(String vendor, String bundle, String version, int devices) {
    public BackendInfo {
        Checks.name("vendor", vendor);
        Checks.text("bundle", bundle, 256);
        Checks.text("version", version, 128);
        Checks.nonNegative("devices", devices);
    }
}
