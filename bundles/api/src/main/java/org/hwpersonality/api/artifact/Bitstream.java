package org.hwpersonality.api.artifact;

import java.time.Instant;
import java.util.Optional;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.internal.Checks;

/**
 * A programming image in the store: named by its SHA-256, with vendor and format, its size, and the interface
 * (shell) ID the vendor back end read from its header, when one was present to parse it.
 */
public record Bitstream(
        Sha256 sha256,
        String name,
        String vendor,
        ImageFormat format,
        long sizeBytes,
        Optional<String> interfaceId,
        Instant storedAt) {
    public Bitstream {
        Checks.notNull("sha256", sha256);
        Checks.text("name", name, 255);
        Checks.name("vendor", vendor);
        Checks.notNull("format", format);
        Checks.positive("sizeBytes", sizeBytes);
        interfaceId = Checks.notNull("interfaceId", interfaceId).map(i -> Checks.interfaceId("interfaceId", i));
        Checks.notNull("storedAt", storedAt);
    }
}
