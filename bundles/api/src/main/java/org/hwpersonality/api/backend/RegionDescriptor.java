package org.hwpersonality.api.backend;

import java.util.Optional;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.device.PciAddress;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.internal.Checks;

/**
 * A region as its back end sees it: its kind, capacity, the image it holds (by SHA-256 and image UUID), and the PCI
 * function a guest uses to reach it (empty when the back end cannot tell).
 */
public record RegionDescriptor(
        String id,
        RegionKind kind,
        Resources capacity,
        Optional<Sha256> loadedImage,
        Optional<String> loadedImageUuid,
        Optional<PciAddress> guestFunction) {
    public RegionDescriptor {
        Checks.id("id", id);
        Checks.notNull("kind", kind);
        Checks.notNull("capacity", capacity);
        Checks.notNull("loadedImage", loadedImage);
        Checks.notNull("loadedImageUuid", loadedImageUuid);
        Checks.notNull("guestFunction", guestFunction);
    }

    /** A region whose guest function the back end cannot tell. */
    public RegionDescriptor(
            String id,
            RegionKind kind,
            Resources capacity,
            Optional<Sha256> loadedImage,
            Optional<String> loadedImageUuid) {
        this(id, kind, capacity, loadedImage, loadedImageUuid, Optional.empty());
    }
}
