package org.hwpersonality.api.store;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Programming tasks for the nodes that own the devices (see {@link ProgrammingTask}); they are queued by {@link
 * AllocationRecords#dispatch}. On PostgreSQL a claim skips the rows another transaction has locked ({@code FOR UPDATE
 * SKIP LOCKED}), so several claimers never wait for each other nor take the same task.
 */
@ProviderType
public interface TaskRecords {
    /** Up to {@code max} QUEUED tasks of {@code node}, oldest first, now CLAIMED by {@code session}. */
    List<ProgrammingTask> claim(String node, String session, int max);

    /** Records a claimed task's outcome (DONE or FAILED) with what happened and how long programming took. */
    void finish(String taskId, boolean succeeded, String outcome, Optional<Double> durationMs);

    /** Tasks of {@code node} left CLAIMED by another session of it (a process that died), oldest first. */
    List<ProgrammingTask> abandoned(String node, String session);

    /** The latest task of an allocation. */
    Optional<ProgrammingTask> ofAllocation(String allocationId);
}
