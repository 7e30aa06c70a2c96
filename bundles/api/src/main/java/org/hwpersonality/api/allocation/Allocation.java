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
        Checks.id("id", id);
        Checks.id("vmId", vmId);
        Checks.id("personalityId", personalityId);
        Checks.id("deviceId", deviceId);
        Checks.id("regionId", regionId);
        Checks.notNull("state", state);
        Checks.notNull("driverPackageId", driverPackageId).ifPresent(p -> Checks.id("driverPackageId", p));
        Checks.notNull("previousAllocationId", previousAllocationId)
                .ifPresent(p -> Checks.id("previousAllocationId", p));
        if (previousAllocationId.isPresent() && previousAllocationId.get().equals(id)) {
            throw new ValidationException("previousAllocationId", "must not be the allocation itself");
        }
        Checks.notNull("createdAt", createdAt);
        Checks.notNull("updatedAt", updatedAt);
        if (updatedAt.isBefore(createdAt)) {
            throw new ValidationException("updatedAt", "must not be before createdAt");
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
