package org.hwpersonality.api.device;

import java.util.Optional;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.internal.Checks;

/**
 * A reconfigurable region of a device: the whole fabric ({@link RegionKind#FULL}) or one partial region,
 * with its capacity, its state, and the personality and image it holds now.
 */
public record Region(
        String id,
        RegionKind kind,
        Resources capacity,
        RegionState state,
        Optional<String> loadedPersonalityId,
        Optional<Sha256> loadedImage) {
    public Region {
        Checks.id("id", id);
        Checks.notNull("kind", kind);
        Checks.notNull("capacity", capacity);
        Checks.notNull("state", state);
        Checks.notNull("loadedPersonalityId", loadedPersonalityId);
        loadedPersonalityId.ifPresent(p -> Checks.id("loadedPersonalityId", p));
        Checks.notNull("loadedImage", loadedImage);
    }

    /** An empty, free region. */
    public static Region free(String id, RegionKind kind, Resources capacity) {
        return new Region(id, kind, capacity, RegionState.FREE, Optional.empty(), Optional.empty());
    }
}
