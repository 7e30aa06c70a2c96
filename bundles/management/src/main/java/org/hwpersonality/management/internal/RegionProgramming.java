package org.hwpersonality.management.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.allocation.Reconfiguration;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.ImageDescriptor;
import org.hwpersonality.api.backend.ProgrammingRequest;
import org.hwpersonality.api.backend.ProgrammingResult;
import org.hwpersonality.api.backend.ReconfigurationBackend;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.profile.ClockSetting;
import org.hwpersonality.api.profile.MemoryMap;
import org.hwpersonality.api.profile.PeripheralSetting;
import org.hwpersonality.api.service.BitstreamStore;
import org.hwpersonality.metrics.HwpMetrics;

/**
 * The one programming state machine of a region, whoever asked for it (an allocation on this node, a task from
 * another node, an operator, characterization). The region is recorded PROGRAMMING before the back end is called;
 * when it last served another tenant ({@link Load#clearFirst}), it is recorded CLEARING, cleared by its back end, then
 * recorded PROGRAMMING with nothing loaded and the new tenant — the old tenant stays on the region until the clear is
 * done, so a crash at any point leaves it to be cleared again before another tenant gets it;
 * afterwards it holds the new image in the state the caller asked for, or — when programming failed — what it held
 * before (FREE), or nothing known (FAILED) when the back end timed out and the content is unknown. The caller says
 * how each step is recorded ({@link Steps}): with an allocation's state, or the region's alone.
 */
final class RegionProgramming {
    /** How the steps are written to the database. */
    interface Steps {
        /** The region from {@code before} to {@code programming} (skipped when already written, e.g. by another node). */
        void programming(Region before, Region programming);

        /** Programming worked ({@code done}): the region from {@code programming} to {@code loaded}. */
        void succeeded(Region programming, Region loaded, Reconfiguration done);

        /** Programming failed: the region from {@code programming} to {@code after}. */
        void failed(Region programming, Region after, RuntimeException why);

        /** A step of its own between PROGRAMMING and the end (the clear): the region from {@code from} to {@code to}. */
        void region(Region from, Region to);
    }

    /**
     * What to load: an image, the personality it becomes, and the settings that go with it; the tenant whose data
     * the region may hold once it runs (empty: as it was — an operator's or characterization's load, or a shareable
     * personality) and whether the region is cleared first (it may hold another tenant's).
     */
    record Load(
            Sha256 image,
            String personalityId,
            List<ClockSetting> clocks,
            MemoryMap memoryMap,
            List<PeripheralSetting> peripherals,
            Optional<String> tenant,
            boolean clearFirst) {
        /** For no tenant, without a clear. */
        Load(
                Sha256 image,
                String personalityId,
                List<ClockSetting> clocks,
                MemoryMap memoryMap,
                List<PeripheralSetting> peripherals) {
            this(image, personalityId, clocks, memoryMap, peripherals, Optional.empty(), false);
        }
    }

    private final BackendRegistry backends;
    private final BitstreamStore bitstreams;
    private final HwpMetrics metrics;

    /** The regions ({@code device/region}) being programmed by this process now: never abandoned, however long. */
    private final java.util.Set<String> running = java.util.concurrent.ConcurrentHashMap.newKeySet();

    RegionProgramming(BackendRegistry backends, BitstreamStore bitstreams, HwpMetrics metrics) {
        this.metrics = metrics;
        this.backends = backends;
        this.bitstreams = bitstreams;
    }

    /** The region as recorded while it is programmed: PROGRAMMING, still naming what it held. */
    static Region programming(Region before) {
        return with(before, RegionState.PROGRAMMING, before.loadedPersonalityId(), before.loadedImage());
    }

    /**
     * The region as recorded while it is programmed with {@code load}: PROGRAMMING, still naming what it held, and
     * from now on the tenant it is programmed for — unless it is cleared first: then the old tenant until the clear is
     * done.
     */
    static Region programming(Region before, Load load) {
        Region programming = programming(before);
        return load.clearFirst() || load.tenant().isEmpty() ? programming : programming.withTenant(load.tenant());
    }

    /**
     * Programs {@code before} (the region as it was, FREE or RESERVED) of {@code device}, a device of this node, with
     * {@code load}, ending in {@code stateAfter} (ACTIVE for an allocation, FREE by hand). {@code recordStart} false
     * when the PROGRAMMING state was written already. Rethrows the back end's failure after recording it.
     */
    Reconfiguration run(
            Device device, Region before, Load load, RegionState stateAfter, boolean recordStart, Steps steps) {
        String key = device.id() + "/" + before.id();
        running.add(key);
        try {
            return run(device, before, programming(before, load), load, stateAfter, recordStart, steps);
        } finally {
            running.remove(key);
        }
    }

    /** Whether this process is programming the region now (its back end was called and has not answered yet). */
    boolean running(String deviceId, String regionId) {
        return running.contains(deviceId + "/" + regionId);
    }

    private Reconfiguration run(
            Device device,
            Region before,
            Region programming,
            Load load,
            RegionState stateAfter,
            boolean recordStart,
            Steps steps) {
        ReconfigurationBackend backend = backends.get(device.backend())
                .orElseThrow(() -> HwpException.conflict("device " + device.id() + " is OFFLINE: its back end '"
                        + device.backend() + "' is not present"));
        if (recordStart) {
            steps.programming(before, programming);
        } else if (!programming.equals(programming(before))) {
            steps.region(programming(before), programming); // the tenant it is now programmed for
        }
        long started = System.nanoTime();
        // The bytes about to be loaded are checked first (their hash, the installation's signature): a changed byte
        // leaves the region as it was, neither cleared nor programmed.
        Path image;
        try {
            image = bitstreams.verifiedPath(load.image());
        } catch (RuntimeException e) {
            metrics.failed("verification");
            steps.failed(
                    programming,
                    with(programming, RegionState.FREE, before.loadedPersonalityId(), before.loadedImage())
                            .withTenant(before.tenant()),
                    e);
            throw e;
        }
        Optional<Double> clearingMs = Optional.empty();
        if (load.clearFirst()) {
            Region clearing =
                    with(programming, RegionState.CLEARING, before.loadedPersonalityId(), before.loadedImage());
            steps.region(programming, clearing);
            try {
                backend.clear(device.localId(), before.id());
            } catch (RuntimeException e) {
                // Not cleared: the old tenant's content may still be there (FAILED when unknown, after a timeout).
                boolean unknown = e instanceof BackendException b && b.kind() == BackendException.Kind.TIMEOUT;
                Region after = unknown
                        ? with(clearing, RegionState.FAILED, Optional.empty(), Optional.empty())
                        : with(clearing, RegionState.FREE, before.loadedPersonalityId(), before.loadedImage());
                metrics.failed(e instanceof BackendException b ? b.kind().name() : "clearing");
                steps.failed(clearing, after, e);
                throw e;
            }
            clearingMs = Optional.of((System.nanoTime() - started) / 1e6);
            // Cleared: nothing loaded, no tenant's data; from now on the region is the new tenant's.
            Region cleared = with(clearing, RegionState.PROGRAMMING, Optional.empty(), Optional.empty())
                    .withTenant(load.tenant());
            steps.region(clearing, cleared);
            before = with(cleared, before.state(), Optional.empty(), Optional.empty())
                    .withTenant(Optional.empty());
            programming = cleared;
        }
        ProgrammingResult result;
        try {
            ImageDescriptor descriptor = backend.inspect(image);
            backend.validate(descriptor, device.localId());
            result = backend.program(new ProgrammingRequest(
                    device.localId(),
                    before.id(),
                    image,
                    load.image(),
                    load.personalityId(),
                    load.clocks(),
                    load.memoryMap(),
                    load.peripherals()));
        } catch (RuntimeException e) {
            boolean unknown = e instanceof BackendException b && b.kind() == BackendException.Kind.TIMEOUT;
            Region after = unknown
                    ? with(programming, RegionState.FAILED, Optional.empty(), Optional.empty())
                    : with(before, RegionState.FREE, before.loadedPersonalityId(), before.loadedImage()); // unchanged
            metrics.programmed(device.vendor(), "failed", System.nanoTime() - started);
            metrics.failed(e instanceof BackendException b ? b.kind().name() : "programming");
            steps.failed(programming, after, e);
            throw e;
        }
        metrics.programmed(device.vendor(), result.skipped() ? "skipped" : "loaded", System.nanoTime() - started);
        Reconfiguration done = new Reconfiguration(
                !result.skipped() || clearingMs.isPresent(), result.durationMs() + clearingMs.orElse(0.0), clearingMs);
        steps.succeeded(
                programming,
                with(programming, stateAfter, Optional.of(load.personalityId()), Optional.of(load.image())),
                done);
        return done;
    }

    /**
     * What the back end reports loaded in a region of this node's device now: empty if the back end is absent or no
     * longer lists the region; else the image, if any.
     */
    Optional<Optional<Sha256>> reportedImage(Device device, String regionId) {
        return backends.get(device.backend())
                .flatMap(b -> b.discover().stream()
                        .filter(d -> d.id().equals(device.localId()))
                        .flatMap(d -> d.regions().stream())
                        .filter(r -> r.id().equals(regionId))
                        .findFirst()
                        .map(r -> r.loadedImage()));
    }

    static Region with(Region r, RegionState state, Optional<String> personality, Optional<Sha256> image) {
        return r.with(state, personality, image);
    }
}
