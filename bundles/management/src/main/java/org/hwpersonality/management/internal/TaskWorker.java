package org.hwpersonality.management.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.store.AllocationRecords;
import org.hwpersonality.api.store.ProgrammingTask;
import org.hwpersonality.api.store.Signals;
import org.hwpersonality.api.store.TaskRecords;

/**
 * A host node's side of dispatch: claims the programming tasks queued for this node (woken by a signal, and every
 * {@code pollMillis} in case one was lost), runs each with {@link Programmer#runTask} — the same steps as a local
 * programming — records the outcome and signals the node that waits. A task left CLAIMED by an earlier process of
 * this node (it died mid-programming) is not run again: its allocation is reconciled with what the back end reports.
 */
final class TaskWorker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TaskWorker.class.getName());
    static final String ACTOR = "hwp-task-worker";

    private final NodeIdentity node;
    private final TaskRecords tasks;
    private final AllocationRecords allocations;
    private final java.util.function.Function<String, Optional<Device>> ownDevices;
    private final java.util.function.Function<String, Optional<PersonalityProfile>> profiles;
    private final Programmer programmer;
    private final Reconciler reconciler;
    private final Signals signals;
    private final java.util.function.Consumer<String> deviceChanged;
    private final java.util.function.Consumer<Allocation> activated;
    private final java.util.function.Function<Allocation, Optional<Attachments.Plug>> plugOf;
    private final java.util.function.Function<TaskRecords.Claimed, Allocation> release;
    private final long pollMillis;
    private final int parallel;
    private final Semaphore slots;
    private final Object wake = new Object();
    private boolean woken;
    private volatile boolean running = true;
    private final ExecutorService runners;
    private final Thread claimer;
    private final AutoCloseable subscription;

    TaskWorker(
            NodeIdentity node,
            TaskRecords tasks,
            AllocationRecords allocations,
            java.util.function.Function<String, Optional<Device>> ownDevices,
            java.util.function.Function<String, Optional<PersonalityProfile>> profiles,
            Programmer programmer,
            Reconciler reconciler,
            Signals signals,
            java.util.function.Consumer<String> deviceChanged,
            java.util.function.Consumer<Allocation> activated,
            java.util.function.Function<Allocation, Optional<Attachments.Plug>> plugOf,
            java.util.function.Function<TaskRecords.Claimed, Allocation> release,
            int parallel,
            long pollMillis) {
        this.node = node;
        this.tasks = tasks;
        this.allocations = allocations;
        this.ownDevices = ownDevices;
        this.profiles = profiles;
        this.programmer = programmer;
        this.reconciler = reconciler;
        this.signals = signals;
        this.deviceChanged = deviceChanged;
        this.activated = activated;
        this.plugOf = plugOf;
        this.release = release;
        this.parallel = Math.max(1, parallel);
        this.pollMillis = Math.max(10, pollMillis);
        this.slots = new Semaphore(this.parallel);
        this.runners = Executors.newFixedThreadPool(this.parallel, r -> {
            Thread t = new Thread(r, "hwp-task-runner");
            t.setDaemon(true);
            return t;
        });
        this.subscription = signals.subscribe(Signals.TASK_QUEUED, payload -> {
            if (payload.equals(node.id())) {
                wake();
            }
        });
        this.claimer = new Thread(this::loop, "hwp-task-claimer");
        claimer.setDaemon(true);
        claimer.start();
    }

    private void wake() {
        synchronized (wake) {
            woken = true;
            wake.notifyAll();
        }
    }

    private void loop() {
        boolean abandoned = true;
        while (running) {
            try {
                if (abandoned) {
                    abandoned = recoverAbandoned();
                }
                int free = slots.availablePermits();
                List<TaskRecords.Claimed> claimed =
                        free == 0 ? List.of() : tasks.claim(node.id(), node.session(), free);
                for (TaskRecords.Claimed t : claimed) {
                    slots.acquireUninterruptibly();
                    runners.execute(() -> {
                        try {
                            run(t);
                        } finally {
                            slots.release();
                            wake();
                        }
                    });
                }
                if (claimed.isEmpty() || slots.availablePermits() == 0) {
                    synchronized (wake) {
                        if (!woken) {
                            wake.wait(pollMillis);
                        }
                        woken = false;
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Claiming programming tasks failed; trying again", e);
                try {
                    Thread.sleep(pollMillis);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /**
     * Tasks an earlier process of this node claimed and never finished: their regions are reconciled. Returns whether
     * some are left (a region that cannot be reconciled yet); once none are, none can appear (only an earlier
     * process leaves them), and the worker stops looking.
     */
    private boolean recoverAbandoned() {
        boolean left = false;
        for (ProgrammingTask t : tasks.abandoned(node.id(), node.session())) {
            Optional<Allocation> a = allocations.find(t.allocationId());
            if (a.isEmpty()
                    || (a.get().state() != AllocationState.PROGRAMMING
                            && a.get().state() != AllocationState.RELEASING)) {
                tasks.finish(
                        t.id(),
                        false,
                        "abandoned by an earlier process of node " + node.id() + "; the allocation is "
                                + a.map(x -> x.state().name()).orElse("gone"),
                        Optional.empty());
                continue;
            }
            if (reconciler.reconcileNow(a.get())) {
                tasks.finish(
                        t.id(),
                        false,
                        "node " + node.id() + " stopped while running it; the region was reconciled with its"
                                + " back end",
                        Optional.empty());
                signals.publish(Signals.ALLOCATION_CHANGED, t.allocationId());
                deviceChanged.accept(t.deviceId());
            } else {
                left = true;
            }
        }
        return left;
    }

    /**
     * Runs a claimed task with the allocation and region the claim read. The device is this node's, as its index
     * holds it (the back end and the back end's ID of the card are all the programming takes from it), or as stored.
     */
    private void run(TaskRecords.Claimed claimed) {
        ProgrammingTask t = claimed.task();
        try {
            Allocation a = claimed.allocation();
            if (a.state() == AllocationState.RELEASING) {
                Allocation released = release.apply(claimed);
                LOG.info("released " + t.deviceId() + "/" + t.regionId() + " on node " + node.id() + " for allocation "
                        + a.id() + ": it is " + released.state());
            } else if (a.state() != AllocationState.PROGRAMMING) {
                finish(t, false, "the allocation is " + a.state() + ", nothing to program");
            } else {
                Device device = ownDevices.apply(t.deviceId()).orElseThrow();
                Region region = claimed.region();
                PersonalityProfile profile = profiles.apply(a.personalityId()).orElseThrow();
                Allocation active = programmer.runTask(t, a, region, device, profile, plugOf.apply(a), ACTOR);
                LOG.info("programmed " + t.deviceId() + "/" + t.regionId() + " with " + a.personalityId() + " on node "
                        + node.id() + " for allocation " + a.id() + ": it is " + active.state());
                if (active.state() == AllocationState.ACTIVE) {
                    activated.accept(active);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Task " + t.id() + " failed on node " + node.id(), e);
            // A failed programming has recorded its outcome already; then this changes nothing.
            finish(t, false, e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            deviceChanged.accept(t.deviceId());
        }
    }

    /** Records the outcome of a task that did not get to program, and wakes the node that waits. */
    private void finish(ProgrammingTask t, boolean succeeded, String outcome) {
        try {
            tasks.finish(t.id(), succeeded, outcome, Optional.empty());
        } finally {
            signals.publish(Signals.ALLOCATION_CHANGED, t.allocationId());
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        subscription.close();
        claimer.interrupt();
        claimer.join(2_000);
        runners.shutdown();
        runners.awaitTermination(10, TimeUnit.SECONDS);
    }
}
