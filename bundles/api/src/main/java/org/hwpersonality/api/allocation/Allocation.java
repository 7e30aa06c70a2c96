package org.hwpersonality.api.allocation;

import java.time.Instant;
import java.util.Optional;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/**
 * A region of a device given to a VM for a personality. A re-personalization creates a new allocation whose
 * {@code previousAllocationId} names the one it replaces, so the history of a VM is a chain.
 */
public record Allocation(
        String id,
        String vmId,
        String personalityId,
        String deviceId,
        String regionId,
        AllocationState state,
        Optional<String> driverPackageId,
        Optional<String> previousAllocationId,
        Instant createdAt,
        Instant updatedAt) {
    public Allocation {
        Checks.id("allocation.id", id);
        Checks.id("allocation.vmId", vmId);
        Checks.id("allocation.personalityId", personalityId);
        Checks.id("allocation.deviceId", deviceId);
        Checks.id("allocation.regionId", regionId);
        Checks.notNull("allocation.state", state);
        Checks.notNull("allocation.driverPackageId", driverPackageId)
                .ifPresent(p -> Checks.id("allocation.driverPackageId", p));
        Checks.notNull("allocation.previousAllocationId", previousAllocationId)
                .ifPresent(p -> Checks.id("allocation.previousAllocationId", p));
        if (previousAllocationId.isPresent() && previousAllocationId.get().equals(id)) {
            throw new ValidationException("allocation.previousAllocationId", "must not be the allocation itself");
        }
        Checks.notNull("allocation.createdAt", createdAt);
        Checks.notNull("allocation.updatedAt", updatedAt);
        if (updatedAt.isBefore(createdAt)) {
            throw new ValidationException("allocation.updatedAt", "must not be before createdAt");
        }
    }

    /** This allocation moved to {@code target} at {@code when}, if the state machine allows it. */
    public Allocation moveTo(AllocationState target, Instant when) {
        if (!state.canMoveTo(target)) {
            throw new org.hwpersonality.api.HwpException(
                    org.hwpersonality.api.ErrorCode.CONFLICT,
                    "allocation " + id + " cannot go from " + state + " to " + target);
        }
        return new Allocation(
                id,
                vmId,
                personalityId,
                deviceId,
                regionId,
                target,
                driverPackageId,
                previousAllocationId,
                createdAt,
                when);
    }
}
