package org.hwpersonality.api.store;

import java.time.Instant;
import java.util.Optional;
import org.hwpersonality.api.internal.Checks;

/**
 * Programming of a region that belongs to another node: written with the allocation's PROGRAMMING state by the node
 * that matched, claimed by the node that owns the device ({@code node}), which programs and records the outcome. A
 * release that has to unplug the region's function from its VM is a task too, written with RELEASING.
 * A task is claimed once: a process that dies holding it leaves it CLAIMED, and that node, back, reconciles the
 * region instead of running the task again.
 */
public record ProgrammingTask(
        String id,
        String node,
        String allocationId,
        String deviceId,
        String regionId,
        State state,
        Optional<String> claimedBy,
        Instant createdAt,
        Optional<String> outcome,
        Optional<Double> durationMs) {
    /** QUEUED → CLAIMED → DONE or FAILED. */
    public enum State {
        QUEUED,
        CLAIMED,
        DONE,
        FAILED
    }

    public ProgrammingTask {
        Checks.id("id", id);
        Checks.id("node", node);
        Checks.id("allocationId", allocationId);
        Checks.id("deviceId", deviceId);
        Checks.id("regionId", regionId);
        Checks.notNull("state", state);
        Checks.notNull("claimedBy", claimedBy);
        Checks.notNull("createdAt", createdAt);
        Checks.notNull("outcome", outcome);
        Checks.notNull("durationMs", durationMs);
    }
}
