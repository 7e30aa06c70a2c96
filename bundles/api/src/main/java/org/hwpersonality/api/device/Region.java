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
        Checks.id("region.id", id);
        Checks.notNull("region.kind", kind);
        Checks.notNull("region.capacity", capacity);
        Checks.notNull("region.state", state);
        Checks.notNull("region.loadedPersonalityId", loadedPersonalityId);
        loadedPersonalityId.ifPresent(p -> Checks.id("region.loadedPersonalityId", p));
        Checks.notNull("region.loadedImage", loadedImage);
    }

    /** An empty, free region. */
    public static Region free(String id, RegionKind kind, Resources capacity) {
        return new Region(id, kind, capacity, RegionState.FREE, Optional.empty(), Optional.empty());
    }
}
