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
    }

    /** What to load: an image, the personality it becomes, and the settings that go with it. */
    record Load(
            Sha256 image,
            String personalityId,
            List<ClockSetting> clocks,
            MemoryMap memoryMap,
            List<PeripheralSetting> peripherals) {}

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
     * Programs {@code before} (the region as it was, FREE or RESERVED) of {@code device}, a device of this node, with
     * {@code load}, ending in {@code stateAfter} (ACTIVE for an allocation, FREE by hand). {@code recordStart} false
     * when the PROGRAMMING state was written already. Rethrows the back end's failure after recording it.
     */
    Reconfiguration run(
            Device device, Region before, Load load, RegionState stateAfter, boolean recordStart, Steps steps) {
        String key = device.id() + "/" + before.id();
        running.add(key);
        try {
            return run(device, before, programming(before), load, stateAfter, recordStart, steps);
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
        }
        ProgrammingResult result;
        long started = System.nanoTime();
        try {
            Path image = bitstreams.path(load.image());
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
                    ? with(before, RegionState.FAILED, Optional.empty(), Optional.empty())
                    : with(before, RegionState.FREE, before.loadedPersonalityId(), before.loadedImage());
            metrics.programmed(device.vendor(), "failed", System.nanoTime() - started);
            metrics.failed(e instanceof BackendException b ? b.kind().name() : "programming");
            steps.failed(programming, after, e);
            throw e;
        }
        metrics.programmed(device.vendor(), result.skipped() ? "skipped" : "loaded", System.nanoTime() - started);
        Reconfiguration done = new Reconfiguration(!result.skipped(), result.durationMs());
        steps.succeeded(
                programming,
                with(before, stateAfter, Optional.of(load.personalityId()), Optional.of(load.image())),
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
