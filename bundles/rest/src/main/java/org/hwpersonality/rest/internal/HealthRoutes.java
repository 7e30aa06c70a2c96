package org.hwpersonality.rest.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hwpersonality.api.service.DeviceService;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.service.ProfileRepository;

/** {@code GET /health}: UP (200) once the database answers and the management service has loaded its index. */
final class HealthRoutes {
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
            parts.put("database", Map.of("status", "DOWN", "message", String.valueOf(e.getMessage())));
            up = false;
        }
        boolean ready = management.isReady();
        parts.put("management", Map.of("status", ready ? "UP" : "STARTING"));
        up &= ready;
        parts.put("devices", Map.of("status", "UP", "count", devices.devices().size()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("parts", parts);
        if (!up) {
            x.response.setHeader("Retry-After", String.valueOf(HwpApi.RETRY_AFTER_SECONDS));
        }
        x.send(up ? 200 : 503, body);
    }
}
