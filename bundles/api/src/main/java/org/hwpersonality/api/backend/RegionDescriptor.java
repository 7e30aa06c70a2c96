package org.hwpersonality.api.backend;

import java.util.Optional;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.internal.Checks;

/** A region as its back end sees it: its kind, capacity and the image it holds (by SHA-256 and image UUID). */
public record RegionDescriptor(
        String id,
        RegionKind kind,
        Resources capacity,
        Optional<Sha256> loadedImage,
        Optional<String> loadedImageUuid) {
    public RegionDescriptor {
        Checks.id("id", id);
        Checks.notNull("kind", kind);
        Checks.notNull("capacity", capacity);
        Checks.notNull("loadedImage", loadedImage);
        Checks.notNull("loadedImageUuid", loadedImageUuid);
    }
}
