package org.hwpersonality.api.allocation;

import java.time.Instant;
import java.util.Optional;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;
import org.hwpersonality.api.request.PersonalityRequest;

/**
 * A region of a device given to a VM for a personality. A re-personalization creates a new allocation whose
 * {@code previousAllocationId} names the one it replaces, so the history of a VM is a chain. The request it
 * serves is kept so that a re-personalization can match it again.
 */
public record Allocation(
        String id,
        String vmId,
        PersonalityRequest request,
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
        Checks.notNull("request", request);
        if (!request.vmId().equals(vmId)) {
            throw new ValidationException("request.vmId", "must be the allocation's VM " + vmId);
        }
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

    /** The key of the region it holds, {@code deviceId/regionId}. */
    public String regionKey() {
        return deviceId + "/" + regionId;
    }

    /** This allocation with another driver package. */
    public Allocation withDriver(Optional<String> packageId) {
        return new Allocation(
                id,
                vmId,
                request,
                personalityId,
                deviceId,
                regionId,
                state,
                packageId,
                previousAllocationId,
                createdAt,
                updatedAt);
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
                request,
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
