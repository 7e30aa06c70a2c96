package org.hwpersonality.rest.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hwpersonality.api.device.BackendInfo;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.node.Node;
import org.hwpersonality.api.service.DeviceService;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.service.ProfileRepository;

/**
 * {@code GET /health} (also {@code /health/ready}): whether this node is ready to serve. DOWN (503, with Retry-After)
 * until the database answers, the management service has loaded its index with the samples in, and every back end
 * present has reported its devices; DEGRADED (200) when it serves but something needs an operator: a back end whose
 * tools are missing or failing, a device whose back end reports it unhealthy, a node whose lease expired while it
 * held devices (they are OFFLINE), or a database slower than {@value #SLOW_DATABASE_MS} ms to count the profiles.
 * {@code GET /health/live} is UP whenever the process answers. Anyone learns the status only; an administrator also
 * gets each part with its reason.
 */
final class HealthRoutes {
    private static final Logger LOG = Logger.getLogger(HealthRoutes.class.getName());

    /** A database that takes longer than this to count the profiles is DEGRADED. */
    static final long SLOW_DATABASE_MS = 1_000;

    private final ManagementService management;
    private final ProfileRepository profiles;
    private final DeviceService devices;

    HealthRoutes(ManagementService management, ProfileRepository profiles, DeviceService devices) {
        this.management = management;
        this.profiles = profiles;
        this.devices = devices;
    }

    List<Route> routes() {
        return List.of(
                Route.of("GET", "/health", Access.ANYONE, "whether this node is ready to serve", this::health),
                Route.of("GET", "/health/ready", Access.ANYONE, "the same as /health", this::health),
                Route.of("GET", "/health/live", Access.ANYONE, "whether the process answers", this::live));
    }

    private void live(Exchange x) throws IOException {
        x.send(200, Map.of("status", "UP"));
    }

    /** The worst of the parts: DOWN, then DEGRADED, then UP. */
    private static final class Verdict {
        boolean down;
        boolean degraded;

        String status() {
            return down ? "DOWN" : degraded ? "DEGRADED" : "UP";
        }
    }

    private void health(Exchange x) throws IOException {
        Map<String, Object> parts = new LinkedHashMap<>();
        Verdict verdict = new Verdict();
        long started = System.nanoTime();
        try {
            long count = profiles.count();
            long ms = (System.nanoTime() - started) / 1_000_000;
            Map<String, Object> db = new LinkedHashMap<>();
            db.put("status", ms > SLOW_DATABASE_MS ? "DEGRADED" : "UP");
            db.put("profiles", count);
            db.put("millis", ms);
            if (ms > SLOW_DATABASE_MS) {
                db.put("message", "counting the profiles took " + ms + " ms (more than " + SLOW_DATABASE_MS + ")");
                verdict.degraded = true;
            }
            parts.put("database", db);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Health: the database does not answer", e);
            parts.put("database", Map.of("status", "DOWN", "message", "the database does not answer; see the log"));
            verdict.down = true;
        }
        boolean ready = management.isReady();
        parts.put(
                "management",
                ready
                        ? Map.of("status", "UP")
                        : Map.of("status", "STARTING", "message", "loading the index and the sample catalogue"));
        verdict.down |= !ready;
        if (!"DOWN".equals(((Map<?, ?>) parts.get("database")).get("status"))) {
            try {
                parts.put("backends", backends(verdict));
                parts.put("devices", devices(verdict));
                parts.put("nodes", nodes(verdict));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Health: the fleet could not be read", e);
                parts.put("devices", Map.of("status", "DOWN", "message", "the fleet could not be read; see the log"));
                verdict.down = true;
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", verdict.status());
        if (x.caller.admin()) {
            body.put("parts", parts);
        }
        if (verdict.down) {
            x.response.setHeader("Retry-After", String.valueOf(HwpApi.RETRY_AFTER_SECONDS));
        }
        x.send(verdict.down ? 503 : 200, body);
    }

    /** Each back end present: STARTING until it has reported its devices, DEGRADED when its tools fail. */
    private List<Map<String, Object>> backends(Verdict verdict) {
        java.util.Set<String> starting = devices.backendsStarting();
        List<Map<String, Object>> backends = new ArrayList<>();
        for (BackendInfo b : devices.backends()) {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("vendor", b.vendor());
            if (starting.contains(b.vendor())) {
                part.put("status", "STARTING");
                part.put("message", "its devices are not all reported yet");
                verdict.down = true;
            } else {
                part.put("status", b.status());
                b.problem().ifPresent(p -> part.put("message", p));
                verdict.degraded |= b.problem().isPresent();
            }
            backends.add(part);
        }
        return backends;
    }

    /** The fleet: DEGRADED when a device that is not OFFLINE is reported unhealthy, naming the first few. */
    private Map<String, Object> devices(Verdict verdict) {
        List<Device> all = devices.devices();
        List<String> unhealthy = all.stream()
                .filter(d -> d.state() != DeviceState.OFFLINE && !d.health().healthy())
                .map(d -> d.id() + ": " + d.health().message())
                .toList();
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("status", unhealthy.isEmpty() ? "UP" : "DEGRADED");
        part.put("count", all.size());
        part.put("unhealthy", unhealthy.size());
        if (!unhealthy.isEmpty()) {
            part.put(
                    "message",
                    String.join("; ", unhealthy.subList(0, Math.min(5, unhealthy.size())))
                            + (unhealthy.size() > 5 ? "; …" : ""));
            verdict.degraded = true;
        }
        return part;
    }

    /** The nodes: DEGRADED when one whose lease expired still owns devices (they are OFFLINE meanwhile). */
    private Map<String, Object> nodes(Verdict verdict) {
        Instant now = Instant.now();
        List<Node> all = devices.nodes();
        List<String> gone = all.stream()
                .filter(n -> n.leaseUntil().isBefore(now) && n.devices() > 0)
                .map(n ->
                        "node " + n.id() + ": lease expired at " + n.leaseUntil() + " with " + n.devices() + " devices")
                .toList();
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("status", gone.isEmpty() ? "UP" : "DEGRADED");
        part.put("count", all.size());
        if (!gone.isEmpty()) {
            part.put("message", String.join("; ", gone));
            verdict.degraded = true;
        }
        return part;
    }
}
