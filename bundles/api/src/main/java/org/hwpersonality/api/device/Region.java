package org.hwpersonality.api.device;

import java.util.Optional;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.internal.Checks;

/**
 * A reconfigurable region of a device: the whole fabric ({@link RegionKind#FULL}) or one partial region,
 * with its capacity, its state, the personality and image it holds now, and the PCI function a guest uses to reach
 * it ({@code guestFunction}: the XRT user function, the OPAE port or a virtual function of it; empty when its back
 * end does not say), and the tenant whose design or data it may still hold ({@code tenant}: the tenant of the last
 * allocation that used it; empty when it never served a tenant or was cleared since). A VM of another tenant gets it
 * only after a clear, unless what it holds is a shareable personality.
 */
public record Region(
        String id,
        RegionKind kind,
        Resources capacity,
        RegionState state,
        Optional<String> loadedPersonalityId,
        Optional<Sha256> loadedImage,
        Optional<PciAddress> guestFunction,
        Optional<String> tenant) {
    public Region {
        Checks.id("id", id);
        Checks.notNull("kind", kind);
        Checks.notNull("capacity", capacity);
        Checks.notNull("state", state);
        Checks.notNull("loadedPersonalityId", loadedPersonalityId);
        loadedPersonalityId.ifPresent(p -> Checks.id("loadedPersonalityId", p));
        Checks.notNull("loadedImage", loadedImage);
        Checks.notNull("guestFunction", guestFunction);
        Checks.notNull("tenant", tenant);
        tenant.ifPresent(t -> Checks.name("tenant", t));
    }

    /** A region that served no tenant (or was cleared since). */
    public Region(
            String id,
            RegionKind kind,
            Resources capacity,
            RegionState state,
            Optional<String> loadedPersonalityId,
            Optional<Sha256> loadedImage,
            Optional<PciAddress> guestFunction) {
        this(id, kind, capacity, state, loadedPersonalityId, loadedImage, guestFunction, Optional.empty());
    }

    /** A region whose back end names no guest function. */
    public Region(
            String id,
            RegionKind kind,
            Resources capacity,
            RegionState state,
            Optional<String> loadedPersonalityId,
            Optional<Sha256> loadedImage) {
        this(id, kind, capacity, state, loadedPersonalityId, loadedImage, Optional.empty());
    }

    /** An empty, free region. */
    public static Region free(String id, RegionKind kind, Resources capacity) {
        return new Region(id, kind, capacity, RegionState.FREE, Optional.empty(), Optional.empty());
    }

    /** This region in another state, holding {@code personality} and {@code image}; the rest as it is. */
    public Region with(RegionState next, Optional<String> personality, Optional<Sha256> image) {
        return new Region(id, kind, capacity, next, personality, image, guestFunction, tenant);
    }

    /** This region as it is, recorded as possibly holding {@code owner}'s design or data (empty: no tenant's). */
    public Region withTenant(Optional<String> owner) {
        return new Region(id, kind, capacity, state, loadedPersonalityId, loadedImage, guestFunction, owner);
    }
}
