package org.hwpersonality.rest.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hwpersonality.api.service.DeviceService;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.service.ProfileRepository;

/**
 * {@code GET /health}: UP (200) once the database answers and the management service has loaded its index. Anyone
 * learns the status only; an administrator also gets the state of each part.
 */
final class HealthRoutes {
    private static final Logger LOG = Logger.getLogger(HealthRoutes.class.getName());

    private final ManagementService management;
    private final ProfileRepository profiles;
    private final DeviceService devices;

    HealthRoutes(ManagementService management, ProfileRepository profiles, DeviceService devices) {
        this.management = management;
        this.profiles = profiles;
        this.devices = devices;
    }

    List<Route> routes() {
        return List.of(Route.of("GET", "/health", Access.ANYONE, "whether every part is ready", this::health));
    }

    private void health(Exchange x) throws IOException {
        Map<String, Object> parts = new LinkedHashMap<>();
        boolean up = true;
        try {
            parts.put("database", Map.of("status", "UP", "profiles", profiles.count()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Health: the database does not answer", e);
            parts.put("database", Map.of("status", "DOWN", "message", "the database does not answer; see the log"));
            up = false;
        }
        boolean ready = management.isReady();
        parts.put("management", Map.of("status", ready ? "UP" : "STARTING"));
        up &= ready;
        parts.put("devices", Map.of("status", "UP", "count", devices.devices().size()));
        // A back end whose tools are missing or failing: the node serves, DEGRADED, and says which and why.
        List<Map<String, Object>> backends = new java.util.ArrayList<>();
        boolean degraded = false;
        for (org.hwpersonality.api.device.BackendInfo b : devices.backends()) {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("vendor", b.vendor());
            part.put("status", b.status());
            b.problem().ifPresent(p -> part.put("message", p));
            backends.add(part);
            degraded |= b.problem().isPresent();
        }
        parts.put("backends", backends);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", !up ? "DOWN" : degraded ? "DEGRADED" : "UP");
        if (x.caller.admin()) {
            body.put("parts", parts);
        }
        if (!up) {
            x.response.setHeader("Retry-After", String.valueOf(HwpApi.RETRY_AFTER_SECONDS));
        }
        x.send(up ? 200 : 503, body);
    }
}
