package org.hwpersonality.management.internal;

import java.time.Instant;
import java.util.Optional;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.allocation.Reconfiguration;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.ProgrammingResult;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.store.AllocationRecords;
import org.hwpersonality.api.store.AllocationRecords.RegionChange;

/**
 * Takes a RESERVED allocation to ACTIVE. A region that already holds the image goes straight to ACTIVE. Otherwise
 * PROGRAMMING is written first (allocation and region in one transaction), then the back end programs, then ACTIVE
 * is written. If programming fails the allocation is FAILED and the region goes back to FREE with what it held, or
 * to FAILED (content unknown) after a timeout.
 */
final class Programmer {
    private final AllocationRecords allocations;
    private final DeviceInventory inventory;
    private final Events events;

    Programmer(AllocationRecords allocations, DeviceInventory inventory, Events events) {
        this.allocations = allocations;
        this.inventory = inventory;
        this.events = events;
    }

    /** The outcome: the ACTIVE allocation, its region as written, and what was done. */
    record Programmed(Allocation allocation, Region region, Reconfiguration reconfiguration) {}

    /** A released allocation and its region as written. */
    record Released(Allocation allocation, Region region) {}

    Programmed activate(Allocation reserved, Region region, Device device, PersonalityProfile p, String actor) {
        Region loaded = with(
                region,
                RegionState.ACTIVE,
                Optional.of(p.personalityId()),
                Optional.of(p.fabric().bitstream()));
        if (region.loadedImage().equals(Optional.of(p.fabric().bitstream()))
                && p.lineage().isEmpty()) {
            Allocation active = move(reserved, AllocationState.ACTIVE, region, loaded, actor);
            return new Programmed(active, loaded, Reconfiguration.NOT_NEEDED);
        }
        Region programmingRegion =
                with(region, RegionState.PROGRAMMING, region.loadedPersonalityId(), region.loadedImage());
        Allocation programming = move(reserved, AllocationState.PROGRAMMING, region, programmingRegion, actor);
        ProgrammingResult result;
        try {
            result = inventory.programOnBackend(device, region.id(), p);
        } catch (RuntimeException e) {
            boolean unknown = e instanceof BackendException b && b.kind() == BackendException.Kind.TIMEOUT;
            Region after = unknown
                    ? with(region, RegionState.FAILED, Optional.empty(), Optional.empty())
                    : with(region, RegionState.FREE, region.loadedPersonalityId(), region.loadedImage());
            move(programming, AllocationState.FAILED, programmingRegion, after, actor);
            throw e;
        }
        Allocation active = move(programming, AllocationState.ACTIVE, programmingRegion, loaded, actor);
        return new Programmed(active, loaded, new Reconfiguration(!result.skipped(), result.durationMs()));
    }

    /** ACTIVE to RELEASED; the region is FREE and keeps its image for reuse. */
    Released release(Allocation active, Region region, String actor) {
        Region free = with(region, RegionState.FREE, region.loadedPersonalityId(), region.loadedImage());
        return new Released(move(active, AllocationState.RELEASED, region, free, actor), free);
    }

    /** The allocation to {@code state} and its region from {@code expected} to {@code next}, then the event. */
    private Allocation move(Allocation from, AllocationState state, Region expected, Region next, String actor) {
        Allocation moved = allocations.update(
                from, from.moveTo(state, Instant.now()), Optional.of(new RegionChange(expected, next)), actor);
        events.allocation(moved, actor);
        return moved;
    }

    static Region with(
            Region r, RegionState state, Optional<String> personality, Optional<org.hwpersonality.api.Sha256> image) {
        return new Region(r.id(), r.kind(), r.capacity(), state, personality, image);
    }
}
