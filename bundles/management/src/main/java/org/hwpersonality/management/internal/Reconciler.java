package org.hwpersonality.management.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.attach.Attachment;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.api.store.AllocationRecords;
import org.hwpersonality.api.store.AllocationRecords.RegionChange;
import org.hwpersonality.api.store.DeviceRecords;
import org.hwpersonality.api.store.ProgrammingTask;
import org.hwpersonality.api.store.TaskRecords;
import org.hwpersonality.metrics.HwpMetrics;

/**
 * Finishes what a crash interrupted. Every step's state is written before the step, so an allocation found
 * RESERVED, PROGRAMMING or RELEASING for longer than any step takes was abandoned:
 *
 * <ul>
 *   <li>RESERVED: the allocation FAILED, the region FREE with what it held;
 *   <li>PROGRAMMING: the allocation FAILED (its VM never got an answer), the region FREE with what its back end
 *       reports loaded now (if that is the profile's image, it stays reusable);
 *   <li>ATTACHING: its guest function unplugged from the VM's domain (it may or may not have been plugged), the
 *       allocation FAILED (its VM never got an answer), the region FREE with its image (reusable);
 *   <li>RELEASING: its guest function unplugged if it was attached, the allocation RELEASED, the region FREE.
 * </ul>
 *
 * A detach that fails leaves the allocation as it is, to be tried again on the next run: a function still in a VM is
 * not given to another.
 *
 * At start, regions left RESERVED, PROGRAMMING or CLEARING by no allocation (a manual reconfiguration) are set
 * FREE with what the back end reports. Devices whose back end is absent wait until it is back. A node reconciles
 * only its own devices (it alone can ask their back ends).
 *
 * <p>An allocation whose region this process is programming now ({@link RegionProgramming#running}) is not
 * abandoned, however long its programming takes.
 *
 * <p>A PROGRAMMING allocation whose programming task is still QUEUED or CLAIMED is the {@link TaskWorker}'s, however
 * old: a host that was away longer than {@code staleAfter} finds the tasks queued for it meanwhile and programs them;
 * a task an earlier process claimed is reconciled by the worker ({@link #reconcileNow}). Reconciling it here as well
 * would race with its programming: the allocation FAILED and the region FREE with the old image, while the card is
 * being programmed with the new one.
 */
final class Reconciler {
    private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());
    static final String ACTOR = "hwp-reconciler";

    private final AllocationRecords allocations;
    private final DeviceRecords devices;
    private final ProfileRepository profiles;
    private final BackendRegistry backends;
    private final RegionProgramming programming;
    private final Events events;
    private final Duration staleAfter;
    private final java.util.function.Predicate<Device> ours;
    private final TaskRecords tasks;
    private final java.util.function.Function<Allocation, Optional<Attachments.Plug>> plugOf;
    private final HwpMetrics metrics;

    Reconciler(
            AllocationRecords allocations,
            DeviceRecords devices,
            ProfileRepository profiles,
            BackendRegistry backends,
            RegionProgramming programming,
            Events events,
            Duration staleAfter,
            java.util.function.Predicate<Device> ours,
            TaskRecords tasks,
            java.util.function.Function<Allocation, Optional<Attachments.Plug>> plugOf,
            HwpMetrics metrics) {
        this.metrics = metrics;
        this.allocations = allocations;
        this.devices = devices;
        this.profiles = profiles;
        this.backends = backends;
        this.programming = programming;
        this.events = events;
        this.staleAfter = staleAfter;
        this.ours = ours;
        this.tasks = tasks;
        this.plugOf = plugOf;
    }

    /** Reconciles one allocation now, whatever its age (its process is known to be gone); true if it was. */
    synchronized boolean reconcileNow(Allocation a) {
        return reconcile(a);
    }

    /** Reconciles abandoned allocations (and, at start, orphaned regions); returns how many were. */
    synchronized int run(boolean atStart) {
        int done = 0;
        Instant cutoff = Instant.now().minus(staleAfter);
        List<Allocation> inFlight = allocations.inFlight();
        Set<String> busy = new HashSet<>();
        for (Allocation a : inFlight) {
            busy.add(a.regionKey());
            if (a.updatedAt().isAfter(cutoff) || programming.running(a.deviceId(), a.regionId())) {
                continue; // recent, or being programmed by this process: a programming may outlast staleAfter
            }
            try {
                if (leftToTaskWorker(a)) {
                    continue;
                }
                if (reconcile(a)) {
                    done++;
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not reconcile allocation " + a.id() + "; will try again", e);
            }
        }
        if (atStart) {
            for (Device d : devices.devices()) {
                if (!ours.test(d)) {
                    continue;
                }
                for (Region r : d.regions()) {
                    boolean midStep = r.state() == RegionState.RESERVED
                            || r.state() == RegionState.PROGRAMMING
                            || r.state() == RegionState.CLEARING;
                    if (midStep && !busy.contains(d.id() + "/" + r.id()) && orphan(d, r)) {
                        done++;
                    }
                }
            }
        }
        if (done > 0) {
            LOG.info("Reconciled " + done + " interrupted allocations or regions");
        }
        return done;
    }

    /**
     * A PROGRAMMING (or RELEASING) allocation whose task is QUEUED or CLAIMED: its node's task worker programs (or
     * releases) or reconciles it. A task
     * that finished since {@code a} was read moved the allocation in the same commit: that is not abandoned either.
     */
    private boolean leftToTaskWorker(Allocation a) {
        if (a.state() != AllocationState.PROGRAMMING && a.state() != AllocationState.RELEASING) {
            return false;
        }
        Optional<ProgrammingTask> task = tasks.ofAllocation(a.id());
        if (task.isEmpty()) {
            return false;
        }
        ProgrammingTask.State state = task.get().state();
        if (state == ProgrammingTask.State.QUEUED || state == ProgrammingTask.State.CLAIMED) {
            return true;
        }
        return allocations.find(a.id()).map(now -> now.state() != a.state()).orElse(true);
    }

    private boolean reconcile(Allocation a) {
        Optional<Device> device = devices.device(a.deviceId());
        if (device.isEmpty()
                || !ours.test(device.get())
                || !backends.present(device.get().backend())) {
            return false;
        }
        Optional<Region> region = device.get().region(a.regionId());
        if (region.isEmpty()) {
            return false;
        }
        Region r = region.get();
        Instant now = Instant.now();
        Allocation next;
        Region after;
        switch (a.state()) {
            case RESERVED -> {
                next = a.moveTo(AllocationState.FAILED, now);
                after = Programmer.with(r, RegionState.FREE, r.loadedPersonalityId(), r.loadedImage());
            }
            case PROGRAMMING -> {
                Optional<Optional<Sha256>> reported = programming.reportedImage(device.get(), r.id());
                if (reported.isEmpty()) {
                    return false;
                }
                Optional<Sha256> image = reported.get();
                Optional<Sha256> expected = profiles.find(a.personalityId())
                        .map(PersonalityProfile::fabric)
                        .map(f -> f.bitstream());
                Optional<String> personality =
                        image.isPresent() && image.equals(expected) ? Optional.of(a.personalityId()) : Optional.empty();
                unplug(a); // attached by a task on this node, maybe, before it could finish
                next = a.moveTo(AllocationState.FAILED, now);
                after = Programmer.with(r, RegionState.FREE, personality, image);
            }
            case ATTACHING -> {
                unplug(a);
                next = a.moveTo(AllocationState.FAILED, now);
                after = Programmer.with(r, RegionState.FREE, r.loadedPersonalityId(), r.loadedImage());
            }
            case RELEASING -> {
                unplug(a);
                next = a.moveTo(AllocationState.RELEASED, now);
                after = Programmer.with(r, RegionState.FREE, r.loadedPersonalityId(), r.loadedImage());
            }
            default -> {
                return false;
            }
        }
        boolean regionHeld = r.state() != RegionState.FREE && r.state() != RegionState.FAILED;
        allocations.update(a, next, regionHeld ? Optional.of(new RegionChange(r, after)) : Optional.empty(), ACTOR);
        events.allocation(next, ACTOR);
        LOG.info("Allocation " + a.id() + " was left " + a.state() + " on " + a.regionKey() + ": now " + next.state());
        return true;
    }

    /** Unplugs an allocation's guest function from its VM if it is an attached one; a failure is rethrown. */
    private void unplug(Allocation a) {
        Optional<Attachments.Plug> plug = plugOf.apply(a);
        if (plug.isPresent()) {
            Attachment.Detached outcome = plug.get().detach();
            LOG.info("Allocation " + a.id() + " was left " + a.state() + ": detached " + plug.get() + ": " + outcome);
        }
    }

    private boolean orphan(Device d, Region r) {
        if (!backends.present(d.backend())) {
            return false;
        }
        Optional<Optional<Sha256>> reported = programming.reportedImage(d, r.id());
        if (reported.isEmpty()) {
            return false;
        }
        Optional<Sha256> image = reported.get();
        Optional<String> personality = image.equals(r.loadedImage()) ? r.loadedPersonalityId() : Optional.empty();
        try {
            devices.changeRegion(d.id(), r, Programmer.with(r, RegionState.FREE, personality, image));
            LOG.info("Region " + d.id() + "/" + r.id() + " was left " + r.state() + ": now FREE");
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not reconcile region " + d.id() + "/" + r.id(), e);
            return false;
        }
    }
}
