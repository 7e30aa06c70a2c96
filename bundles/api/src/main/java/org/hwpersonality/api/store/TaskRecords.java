package org.hwpersonality.api.store;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.device.Region;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Programming tasks for the nodes that own the devices (see {@link ProgrammingTask}); they are queued by {@link
 * AllocationRecords#dispatch}. On PostgreSQL a claim skips the rows another transaction has locked ({@code FOR UPDATE
 * SKIP LOCKED}), so several claimers never wait for each other nor take the same task.
 */
@ProviderType
public interface TaskRecords {
    /**
     * Up to {@code max} QUEUED tasks of {@code node}, oldest first, now CLAIMED by {@code session}, each with its
     * allocation and its region as the claim read them (the dispatch wrote them with the task, in one transaction).
     */
    List<Claimed> claim(String node, String session, int max);

    /** A claimed task with what running it needs: its allocation (PROGRAMMING when dispatched) and its region. */
    record Claimed(ProgrammingTask task, Allocation allocation, Region region) {
        public Claimed {
            if (!task.allocationId().equals(allocation.id()) || !task.regionId().equals(region.id())) {
                throw new IllegalArgumentException("a claimed task comes with its own allocation and region");
            }
        }
    }

    /** Records a claimed task's outcome (DONE or FAILED) with what happened and how long programming took. */
    void finish(String taskId, boolean succeeded, String outcome, Optional<Double> durationMs);

    /** Tasks of {@code node} left CLAIMED by another session of it (a process that died), oldest first. */
    List<ProgrammingTask> abandoned(String node, String session);

    /** The latest task of an allocation. */
    Optional<ProgrammingTask> ofAllocation(String allocationId);
}
