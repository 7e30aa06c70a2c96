package org.hwpersonality.management.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.allocation.Reconfiguration;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.node.NodeRole;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.store.AllocationRecords;
import org.hwpersonality.api.store.AllocationRecords.RegionChange;
import org.hwpersonality.api.store.ProgrammingTask;
import org.hwpersonality.api.store.TaskRecords;

/**
 * Takes a RESERVED allocation to ACTIVE. A region that already holds the image goes straight to ACTIVE. A region
 * of this node's device is programmed here: PROGRAMMING is written first (allocation and region in one transaction),
 * then the back end programs, then ACTIVE (or FAILED, the region as it was or FAILED after a timeout) — {@link
 * RegionProgramming}'s steps, written with the allocation's state. A region of another node's device is dispatched:
 * PROGRAMMING and a task for its node in one transaction; that node's {@link TaskWorker} runs the same steps, and
 * this one waits for the outcome up to the configured wait, after which the allocation is answered PROGRAMMING.
 */
final class Programmer {
    private final AllocationRecords allocations;
    private final RegionProgramming programming;
    private final Events events;
    private final NodeIdentity node;
    private final TaskRecords tasks;
    private final AllocationWaiter waiter;
    private final Duration wait;
    private final TenantSeparation separation;

    Programmer(
            AllocationRecords allocations,
            RegionProgramming programming,
            Events events,
            NodeIdentity node,
            TaskRecords tasks,
            AllocationWaiter waiter,
            Duration wait,
            TenantSeparation separation) {
        this.separation = separation;
        this.allocations = allocations;
        this.programming = programming;
        this.events = events;
        this.node = node;
        this.tasks = tasks;
        this.waiter = waiter;
        this.wait = wait;
    }

    /**
     * The outcome: the allocation (ACTIVE, or PROGRAMMING when another node still programs it after the wait), its
     * region as written, and what was done.
     */
    record Programmed(Allocation allocation, Region region, Reconfiguration reconfiguration) {}

    /** A released allocation and its region as written. */
    record Released(Allocation allocation, Region region) {}

    /** Whether this node programs {@code device} itself. */
    boolean programsHere(Device device) {
        return device.node().equals(node.id()) && node.has(NodeRole.HOST);
    }

    /**
     * Programs {@code reserved}'s region here or on its node, for a VM of {@code tenant} (clearing it first when it last
     * served another tenant); a local programming ends in {@code programmed}: ACTIVE, or ATTACHING when the region's
     * guest function is plugged into the VM next.
     */
    Programmed activate(
            Allocation reserved,
            Region region,
            Device device,
            PersonalityProfile p,
            String tenant,
            AllocationState programmed,
            boolean attachOnItsNode,
            String actor) {
        boolean clear = separation.needsClear(region, tenant);
        Region loaded = RegionProgramming.with(
                region,
                RegionState.ACTIVE,
                Optional.of(p.personalityId()),
                Optional.of(p.fabric().bitstream()));
        // Loaded already: nothing to program, unless the device's node has to attach it (its task does both).
        if (!clear
                && region.loadedImage().equals(Optional.of(p.fabric().bitstream()))
                && p.lineage().isEmpty()
                && (programsHere(device) || !attachOnItsNode)) {
            Region taken =
                    loaded.withTenant(separation.recordedTenant(p, tenant).or(region::tenant));
            Allocation active = move(reserved, programmed, region, taken, actor);
            return new Programmed(active, taken, Reconfiguration.NOT_NEEDED);
        }
        if (programsHere(device)) {
            AllocationSteps steps = new AllocationSteps(reserved, programmed, actor);
            Reconfiguration done =
                    programming.run(device, region, load(p, tenant, clear), RegionState.ACTIVE, true, steps);
            return new Programmed(steps.current, steps.region, done);
        }
        // As the device's node will write it (it decides on the clear itself, from the region as stored then).
        Optional<String> after =
                separation.recordedTenant(p, tenant).or(() -> clear ? Optional.empty() : region.tenant());
        return dispatch(reserved, region, device, loaded.withTenant(after), actor);
    }

    /** Queues the programming for the device's node and waits for its outcome, at most {@link #wait}. */
    private Programmed dispatch(Allocation reserved, Region region, Device device, Region loaded, String actor) {
        Region programmingRegion = RegionProgramming.programming(region);
        Allocation queued = reserved.moveTo(AllocationState.PROGRAMMING, Instant.now());
        Allocation after;
        try (AllocationWaiter.Waiting waiting = waiter.expect(queued.id())) {
            allocations.dispatch(reserved, queued, new RegionChange(region, programmingRegion), device.node(), actor);
            events.allocation(queued, actor);
            after = waiting.await(wait);
        }
        Optional<ProgrammingTask> task = tasks.ofAllocation(queued.id());
        return switch (after.state()) {
            case ACTIVE ->
                new Programmed(
                        after,
                        loaded,
                        new Reconfiguration(
                                true, task.flatMap(ProgrammingTask::durationMs).orElse(0.0)));
            case PROGRAMMING -> new Programmed(after, programmingRegion, new Reconfiguration(true, 0));
            default ->
                throw new HwpException(
                        ErrorCode.CONFLICT,
                        "node " + device.node() + " could not program " + after.regionKey() + ": "
                                + task.flatMap(ProgrammingTask::outcome).orElse("the allocation is " + after.state()));
        };
    }

    /**
     * Runs {@code task} of this node: the allocation is PROGRAMMING (written by the node that matched), {@code region}
     * as stored. The outcome is written with the task's (one commit, which wakes the node that waits). Returns the
     * allocation ACTIVE; rethrows a failed programming after recording it.
     */
    Allocation runTask(
            ProgrammingTask task,
            Allocation queued,
            Region region,
            Device device,
            PersonalityProfile p,
            Optional<Attachments.Plug> plug,
            String actor) {
        Region before =
                RegionProgramming.with(region, RegionState.FREE, region.loadedPersonalityId(), region.loadedImage());
        TaskSteps steps = new TaskSteps(task, queued, plug, actor);
        // Decided here, on the device's node, from the region as stored now (its tenant kept by the dispatch).
        String tenant = separation.tenantOf(queued.vmId());
        programming.run(
                device,
                before,
                load(p, tenant, separation.needsClear(region, tenant)),
                RegionState.ACTIVE,
                false,
                steps);
        return steps.current;
    }

    /** An operator's load: for no tenant, no clear. */
    static RegionProgramming.Load load(PersonalityProfile p) {
        return new RegionProgramming.Load(
                p.fabric().bitstream(), p.personalityId(), p.fabric().clocks(), p.memoryMap(), p.peripherals());
    }

    /** A load for a VM of {@code tenant}, cleared first when {@code clear}. */
    private RegionProgramming.Load load(PersonalityProfile p, String tenant, boolean clear) {
        return new RegionProgramming.Load(
                p.fabric().bitstream(),
                p.personalityId(),
                p.fabric().clocks(),
                p.memoryMap(),
                p.peripherals(),
                separation.recordedTenant(p, tenant),
                clear);
    }

    /**
     * ATTACHING to ACTIVE once the region's guest function is in the VM; if the plug fails, FAILED, the region FREE
     * with its image kept (for reuse), and the failure rethrown.
     */
    Allocation attach(Allocation attaching, Region region, Attachments.Plug plug, String actor) {
        try {
            plug.attach();
        } catch (RuntimeException e) {
            Region free = RegionProgramming.with(
                    region, RegionState.FREE, region.loadedPersonalityId(), region.loadedImage());
            move(attaching, AllocationState.FAILED, region, free, actor);
            throw e;
        }
        Allocation active = allocations.update(
                attaching, attaching.moveTo(AllocationState.ACTIVE, Instant.now()), Optional.empty(), actor);
        events.allocation(active, actor);
        return active;
    }

    /** ACTIVE to RELEASING, written before the region's guest function is unplugged from the VM. */
    Allocation releasing(Allocation active, String actor) {
        Allocation releasing = allocations.update(
                active, active.moveTo(AllocationState.RELEASING, Instant.now()), Optional.empty(), actor);
        events.allocation(releasing, actor);
        return releasing;
    }

    /**
     * The release of a region of another node whose function is in a VM there: RELEASING and a task for that node in
     * one transaction; its worker unplugs and frees. Waits for that at most {@link #wait}: the allocation as it is
     * then (RELEASED, or still RELEASING while that node is away).
     */
    Allocation releaseOnItsNode(Allocation active, Region region, Device device, String actor) {
        Allocation releasing = active.moveTo(AllocationState.RELEASING, Instant.now());
        try (AllocationWaiter.Waiting waiting = waiter.expect(releasing.id())) {
            allocations.dispatch(active, releasing, new RegionChange(region, region), device.node(), actor);
            events.allocation(releasing, actor);
            return waiting.await(wait);
        }
    }

    /** ACTIVE (or RELEASING) to RELEASED; the region is FREE and keeps its image for reuse. */
    Released release(Allocation active, Region region, String actor) {
        Region free =
                RegionProgramming.with(region, RegionState.FREE, region.loadedPersonalityId(), region.loadedImage());
        return new Released(move(active, AllocationState.RELEASED, region, free, actor), free);
    }

    /** The programming steps written with the allocation's state: PROGRAMMING, then ACTIVE or FAILED. */
    private final class AllocationSteps implements RegionProgramming.Steps {
        private Allocation current;
        /** The region as last written. */
        private Region region;

        private final AllocationState programmed;
        private final String actor;

        AllocationSteps(Allocation current, AllocationState programmed, String actor) {
            this.current = current;
            this.programmed = programmed;
            this.actor = actor;
        }

        @Override
        public void programming(Region before, Region programming) {
            current = move(current, AllocationState.PROGRAMMING, before, programming, actor);
            region = programming;
        }

        @Override
        public void succeeded(Region programming, Region loaded, Reconfiguration done) {
            current = move(current, programmed, programming, loaded, actor);
            region = loaded;
        }

        @Override
        public void failed(Region programming, Region after, RuntimeException why) {
            current = move(current, AllocationState.FAILED, programming, after, actor);
            region = after;
        }

        @Override
        public void region(Region from, Region to) {
            current = allocations.update(current, current, Optional.of(new RegionChange(from, to)), actor);
            region = to;
        }
    }

    /** A task's steps: its allocation's end written with the task's outcome (PROGRAMMING was written on dispatch). */
    private final class TaskSteps implements RegionProgramming.Steps {
        private final ProgrammingTask task;
        private Allocation current;
        private final Optional<Attachments.Plug> plug;
        private final String actor;

        TaskSteps(ProgrammingTask task, Allocation current, Optional<Attachments.Plug> plug, String actor) {
            this.task = task;
            this.current = current;
            this.plug = plug;
            this.actor = actor;
        }

        @Override
        public void programming(Region before, Region programming) {
            throw new IllegalStateException("a task's PROGRAMMING state is written when it is dispatched");
        }

        @Override
        public void succeeded(Region programming, Region loaded, Reconfiguration done) {
            String outcome = "programmed " + task.deviceId() + "/" + task.regionId() + " with "
                    + current.personalityId() + " on node " + node.id();
            if (plug.isPresent()) {
                // The VM gets the function before the allocation is ACTIVE; a failed attach releases the region (its
                // image kept), and the node that matched tries another. A crash in between leaves the task CLAIMED:
                // this node, back, reconciles the allocation and unplugs the function.
                try {
                    plug.get().attach();
                    outcome += ", attached " + plug.get();
                } catch (RuntimeException e) {
                    Region free = RegionProgramming.with(
                            loaded, RegionState.FREE, loaded.loadedPersonalityId(), loaded.loadedImage());
                    finish(
                            AllocationState.FAILED,
                            programming,
                            free,
                            false,
                            outcome + ", but attaching failed: " + e.getMessage(),
                            Optional.of(done.durationMs()));
                    return;
                }
            }
            finish(AllocationState.ACTIVE, programming, loaded, true, outcome, Optional.of(done.durationMs()));
        }

        @Override
        public void failed(Region programming, Region after, RuntimeException why) {
            String outcome = why.getMessage() == null ? why.toString() : why.getMessage();
            finish(AllocationState.FAILED, programming, after, false, outcome, Optional.empty());
        }

        @Override
        public void region(Region from, Region to) {
            current = allocations.update(current, current, Optional.of(new RegionChange(from, to)), actor);
        }

        private void finish(
                AllocationState state,
                Region expected,
                Region next,
                boolean succeeded,
                String outcome,
                Optional<Double> durationMs) {
            current = allocations.finishTask(
                    task.id(),
                    current,
                    current.moveTo(state, Instant.now()),
                    new RegionChange(expected, next),
                    succeeded,
                    outcome,
                    durationMs,
                    actor);
            events.allocation(current, actor);
        }
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
        return RegionProgramming.with(r, state, personality, image);
    }
}
