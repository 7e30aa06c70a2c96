package org.hwpersonality.api.store;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.device.Region;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Allocations in the database. Each change is one transaction that also moves the allocation's region (compare
 * and set on the region's version) and writes an audit row, so the database never shows a region held by two
 * allocations, nor an allocation whose region says otherwise.
 */
@ProviderType
public interface AllocationRecords {
    /**
     * Stores a new allocation and moves its region from {@code expected} to RESERVED — or, for an ACTIVE allocation
     * (the region holds its image already: nothing to program), to ACTIVE with the allocation's personality — if the
     * region still is as expected, its device takes allocations, and the VM holds no other allocation in the same
     * slot and fewer than {@code maxHeldByVm} in all (but the one this replaces, {@code
     * allocation.previousAllocationId()}). {@code releasedInPlace}, if given, is the VM's allocation of the same
     * region, RELEASED in the same transaction (a re-personalization in place). CONFLICT when any of that changed
     * meanwhile. Stored with ATTACHING, the region becomes ACTIVE as for ACTIVE. {@code match} explains the choice
     * (the matcher's score and reasons): it goes into the allocation's first audit event, in the same transaction.
     * {@code tenantAfter}: for an allocation that takes the region as it is (ACTIVE, ATTACHING), the tenant whose data
     * the region may hold from now on (empty: as it was, e.g. for a shareable personality).
     */
    Allocation reserve(
            Allocation allocation,
            Region expected,
            Optional<String> tenantAfter,
            Optional<Allocation> releasedInPlace,
            int maxHeldByVm,
            java.util.Map<String, String> match,
            String actor);

    /** {@link #reserve} leaving the region's tenant as it was. */
    default Allocation reserve(
            Allocation allocation,
            Region expected,
            Optional<Allocation> releasedInPlace,
            int maxHeldByVm,
            java.util.Map<String, String> match,
            String actor) {
        return reserve(allocation, expected, Optional.empty(), releasedInPlace, maxHeldByVm, match, actor);
    }

    /** {@link #reserve} without the match's explanation. */
    default Allocation reserve(
            Allocation allocation,
            Region expected,
            Optional<Allocation> releasedInPlace,
            int maxHeldByVm,
            String actor) {
        return reserve(allocation, expected, releasedInPlace, maxHeldByVm, java.util.Map.of(), actor);
    }

    /** {@link #reserve} with no limit on the slots a VM holds (one allocation per slot still). */
    default Allocation reserve(
            Allocation allocation, Region expected, Optional<Allocation> releasedInPlace, String actor) {
        return reserve(allocation, expected, releasedInPlace, Integer.MAX_VALUE, actor);
    }

    /**
     * Moves an allocation from {@code current} (as stored) to {@code next}, and its region from {@code
     * region.expected()} to {@code region.next()} if given. CONFLICT when either changed meanwhile.
     */
    Allocation update(Allocation current, Allocation next, Optional<RegionChange> region, String actor);

    /**
     * As {@link #update}, from RESERVED to PROGRAMMING (or from ACTIVE to RELEASING), and in the same transaction
     * queues the step as a task for {@code node}, which owns the device, and signals it ({@link
     * Signals#TASK_QUEUED}); returns the task. The task's work follows from its allocation's state when claimed:
     * PROGRAMMING, program (and attach); RELEASING, detach and free.
     */
    ProgrammingTask dispatch(
            Allocation reserved, Allocation programming, RegionChange region, String node, String actor);

    /**
     * The node that owns the device ends a {@link #dispatch dispatched} programming: the allocation from {@code
     * current} (PROGRAMMING) to {@code next} (ACTIVE or FAILED) and its region as {@link #update} moves them, the
     * task's outcome as {@link TaskRecords#finish} records it, and the signal to the node that waits ({@link
     * Signals#ALLOCATION_CHANGED}), all with one commit.
     */
    Allocation finishTask(
            String taskId,
            Allocation current,
            Allocation next,
            RegionChange region,
            boolean succeeded,
            String outcome,
            Optional<Double> durationMs,
            String actor);

    Optional<Allocation> find(String allocationId);

    /** All allocations, newest first, at most {@code limit}. */
    List<Allocation> list(int limit);

    /** A VM's allocations, newest first. */
    List<Allocation> ofVm(String vmId);

    /** The ACTIVE allocations on a device, oldest first. */
    List<Allocation> activeOn(String deviceId);

    /**
     * How many allocations hold a region, by state (RESERVED, PROGRAMMING, ATTACHING, ACTIVE, RELEASING; states with
     * none are absent). Read through the index of held regions: it costs the same however many allocations ended.
     */
    java.util.Map<org.hwpersonality.api.allocation.AllocationState, Long> countHolding();

    /** Allocations in a state that precedes a step (RESERVED, PROGRAMMING, ATTACHING, RELEASING), oldest first. */
    List<Allocation> inFlight();

    /** A region's move from what it was to what it becomes. */
    record RegionChange(Region expected, Region next) {
        public RegionChange {
            if (!expected.id().equals(next.id())) {
                throw new IllegalArgumentException("a region keeps its ID");
            }
        }
    }
}
