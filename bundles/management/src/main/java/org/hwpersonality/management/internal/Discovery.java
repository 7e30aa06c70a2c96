package org.hwpersonality.management.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.backend.DeviceDescriptor;
import org.hwpersonality.api.backend.ReconfigurationBackend;
import org.hwpersonality.api.store.DeviceRecords;

/**
 * Keeps this node's devices in the database as its back ends report them: when a back end arrives its devices are
 * discovered and recorded (OFFLINE ones come back ONLINE), when it leaves they become OFFLINE (allocations untouched),
 * and every back end is asked again every {@code rescanSeconds}. Back-end calls run on one worker thread, in arrival
 * order, never on the thread that binds. A node without the {@code host} role records no devices.
 */
final class Discovery implements BackendRegistry.Listener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Discovery.class.getName());

    private final String node;
    private final DeviceRecords records;
    private final BackendRegistry backends;
    private final Runnable changed;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hwp-device-discovery");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hwp-device-rescan");
        t.setDaemon(true);
        return t;
    });

    Discovery(String node, DeviceRecords records, BackendRegistry backends, Runnable changed, long rescanSeconds) {
        this.node = node;
        this.records = records;
        this.backends = backends;
        this.changed = changed;
        long seconds = Math.max(1, rescanSeconds);
        scheduler.scheduleWithFixedDelay(() -> worker.execute(this::discoverAll), seconds, seconds, TimeUnit.SECONDS);
        backends.listen(this);
    }

    /** How long a back end may say it is still starting before it is DEGRADED for it. */
    static final java.time.Duration STARTING_AT_MOST = java.time.Duration.ofMinutes(1);

    /** When each present back end arrived, by vendor, until its devices are all reported (then removed). */
    private final java.util.Map<String, java.time.Instant> starting = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void arrived(ReconfigurationBackend backend) {
        starting.put(backend.vendor(), java.time.Instant.now());
        worker.execute(() -> discover(backend));
    }

    /** The vendors of present back ends whose devices are not all reported yet. */
    java.util.Set<String> starting() {
        return java.util.Set.copyOf(starting.keySet());
    }

    /** Why a back end's last discovery failed, by vendor (absent: it worked). */
    private final java.util.Map<String, String> problems = new java.util.concurrent.ConcurrentHashMap<>();

    /** Why the back end of {@code vendor} could not list its devices last time, if it could not. */
    java.util.Optional<String> problem(String vendor) {
        return java.util.Optional.ofNullable(problems.get(vendor));
    }

    @Override
    public void left(ReconfigurationBackend backend) {
        if (worker.isShutdown()) {
            return; // this node is stopping: it goes, not the back end's devices
        }
        starting.remove(backend.vendor());
        worker.execute(() -> {
            problems.remove(backend.vendor());
            int offline = records.markOffline(node, backend.vendor(), java.util.Set.of());
            changed.run();
            LOG.info("Back end '" + backend.vendor() + "' left: " + offline + " devices OFFLINE");
        });
    }

    private void discover(ReconfigurationBackend backend) {
        try {
            // Read first: a region the programming state machine writes while the back end answers keeps its content.
            java.util.Map<String, Long> versions = records.regionVersions(node);
            List<DeviceDescriptor> found = backend.discover();
            String vendor = backend.vendor();
            for (DeviceDescriptor d : found) {
                records.report(node, vendor, d.vendor(), d, versions);
            }
            records.markOffline(
                    node, vendor, found.stream().map(DeviceDescriptor::id).collect(Collectors.toSet()));
            changed.run();
            problems.remove(vendor);
            java.time.Instant since = starting.get(vendor);
            Optional<String> waiting = since == null ? Optional.empty() : backend.starting();
            if (waiting.isEmpty()) {
                starting.remove(vendor);
            } else if (since.plus(STARTING_AT_MOST).isBefore(java.time.Instant.now())) {
                starting.remove(vendor);
                problems.put(vendor, "still starting after " + STARTING_AT_MOST.toSeconds() + " s: " + waiting.get());
            } else {
                // Asked again in a second: what it finds meanwhile (a fleet bound late) is recorded without waiting
                // for the periodic rescan. Only while it is still present: one that left meanwhile stays OFFLINE.
                scheduler.schedule(
                        () -> worker.execute(() -> {
                            if (backends.all().values().stream().anyMatch(b -> b.backend() == backend)) {
                                discover(backend);
                            }
                        }),
                        1,
                        TimeUnit.SECONDS);
            }
            LOG.info("Back end '" + vendor + "': " + found.size() + " devices"
                    + waiting.map(w -> " (starting: " + w + ")").orElse(""));
        } catch (RuntimeException e) {
            // Its devices stay as recorded (a tool that fails once must not take a fleet OFFLINE); it is DEGRADED.
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            problems.put(backend.vendor(), why.length() > 500 ? why.substring(0, 500) + "…" : why);
            starting.remove(backend.vendor()); // it answered: DEGRADED, not starting
            LOG.log(Level.WARNING, "Back end '" + backend.vendor() + "' could not list its devices", e);
        }
    }

    private void discoverAll() {
        backends.all().values().forEach(b -> discover(b.backend()));
    }

    /** Asks every back end again and returns once that is recorded. */
    void rescan() {
        try {
            worker.submit(this::discoverAll).get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new HwpException(ErrorCode.CONFLICT, "rescan did not complete within 60 s", e);
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.log(java.util.logging.Level.WARNING, "Rescan failed", e.getCause());
            throw new HwpException(ErrorCode.CONFLICT, "rescan failed (the log has the details)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HwpException(ErrorCode.CONFLICT, "rescan interrupted", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        backends.unlisten(this);
        scheduler.shutdownNow();
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }
}
