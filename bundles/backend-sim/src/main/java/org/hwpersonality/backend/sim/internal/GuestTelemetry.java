package org.hwpersonality.backend.sim.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Guest telemetry: what the guest on each loaded region of the simulated cards measures, as a file its metrics
 * command can read, {@code DIR/DEVICE/REGION.prom}, in Prometheus text with the figures a VM agent reads
 * ({@code hwp_throughput_gops}, {@code hwp_latency_us}, {@code hwp_power_watts}; see
 * {@link SimulatedDevice#guestReadings}). A file is replaced atomically (a temporary file in the same folder,
 * renamed), so a reader sees the whole of the old or of the new one; a region with nothing loaded has none. I/O
 * failures never reach the caller, so programming never fails because of them: the first is logged as a warning,
 * later ones at FINE.
 */
final class GuestTelemetry implements AutoCloseable {
    static final Duration REFRESH = Duration.ofSeconds(1);
    private static final String KARAF_DATA = "${karaf.data}";
    private static final Logger LOG = Logger.getLogger(GuestTelemetry.class.getName());

    private final Path dir;
    /** One lock per device: a refresh and a programming's update of its files write in the order they read. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile ScheduledExecutorService refresher;
    private volatile boolean closed;

    GuestTelemetry(Path dir) {
        this.dir = dir;
    }

    /**
     * The folder a configured value names: {@code ${karaf.data}} stands for that system property (none without it,
     * as in unit tests); empty means off.
     */
    static Optional<Path> directory(String configured) {
        String value = configured.strip();
        if (value.contains(KARAF_DATA)) {
            String data = System.getProperty("karaf.data");
            if (data == null) {
                return Optional.empty();
            }
            value = value.replace(KARAF_DATA, data);
        }
        return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value));
    }

    private Path file(String deviceId, String regionId) {
        return dir.resolve(deviceId).resolve(regionId + ".prom");
    }

    /**
     * Writes the files of a device's loaded regions and deletes those of its empty ones; nothing once closed. Never
     * throws.
     */
    void update(SimulatedDevice device) {
        synchronized (lock(device)) {
            if (closed) {
                return;
            }
            try {
                for (Map.Entry<String, Optional<GuestReading>> r :
                        device.guestReadings().entrySet()) {
                    Path file = file(device.id(), r.getKey());
                    if (r.getValue().isPresent()) {
                        write(file, text(device.id(), r.getKey(), r.getValue().get()));
                    } else {
                        Files.deleteIfExists(file);
                    }
                }
            } catch (IOException | RuntimeException e) {
                failed(device, e);
            }
        }
    }

    /** Deletes a device's files (its fleet is gone, or the simulator stops). Never throws. */
    void delete(SimulatedDevice device) {
        synchronized (lock(device)) {
            try {
                for (String region : device.guestReadings().keySet()) {
                    Files.deleteIfExists(file(device.id(), region));
                }
            } catch (IOException | RuntimeException e) {
                failed(device, e);
            }
        }
    }

    /** Updates every device's files each {@code period}, so that drift and noise show, until {@link #close}. */
    void refreshEvery(Duration period, Supplier<? extends Collection<SimulatedDevice>> devices) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "hwp-sim-guest-telemetry");
            thread.setDaemon(true);
            return thread;
        });
        // update() never throws: an exception here would end the schedule silently.
        executor.scheduleWithFixedDelay(
                () -> devices.get().forEach(this::update), period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        refresher = executor;
    }

    /** Stops the refresh and further updates ({@link #delete} still works). */
    @Override
    public void close() {
        closed = true;
        ScheduledExecutorService executor = refresher;
        if (executor != null) {
            // Not shutdownNow: an interrupt would break a write under way (ClosedByInterruptException).
            executor.shutdown();
        }
    }

    private static String text(String deviceId, String regionId, GuestReading reading) {
        return "# what a guest on " + deviceId + " region " + regionId + " measures (simulated): image "
                + reading.image() + ", workload " + reading.workload() + "\n"
                + "hwp_throughput_gops " + reading.figures().throughputGops() + "\n"
                + "hwp_latency_us " + reading.figures().latencyUs() + "\n"
                + "hwp_power_watts " + reading.figures().powerWatts() + "\n";
    }

    private Object lock(SimulatedDevice device) {
        return locks.computeIfAbsent(device.id(), id -> new Object());
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        // Only the device's lock holder writes this name, so a fixed one serves (a crash leaves at most this file).
        Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private void failed(SimulatedDevice device, Exception e) {
        String message = "guest telemetry of " + device.id() + " in " + dir + " not updated: " + e;
        if (warned.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, message + " (programming goes on; later failures are logged at FINE)", e);
        } else {
            LOG.log(Level.FINE, message, e);
        }
    }
}
