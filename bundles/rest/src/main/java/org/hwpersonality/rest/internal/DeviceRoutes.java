package org.hwpersonality.rest.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hwpersonality.api.allocation.Eviction;
import org.hwpersonality.api.service.DeviceService;
import org.hwpersonality.api.service.ManagementService;

/** Devices with their regions, the back ends present, and draining, enabling and evicting a device. */
final class DeviceRoutes {
    /** How long an eviction moves VMs when the caller does not say. */
    static final int EVICT_DEADLINE_SECONDS = 300;

    private final DeviceService devices;
    private final ManagementService management;

    DeviceRoutes(DeviceService devices, ManagementService management) {
        this.devices = devices;
        this.management = management;
    }

    List<Route> routes() {
        return List.of(
                Route.of("GET", "/devices", Access.ADMIN, "devices and their regions", x -> x.ok(devices.devices())),
                Route.of("GET", "/devices/{deviceId}", Access.ADMIN, "one device", this::one),
                Route.of("POST", "/devices/{deviceId}/drain", Access.ADMIN, "no new allocations on it", this::drain),
                Route.of(
                        "POST",
                        "/devices/{deviceId}/enable",
                        Access.ADMIN,
                        "undoes drain: new allocations again",
                        this::enable),
                Route.of(
                                "POST",
                                "/devices/{deviceId}/evict",
                                Access.ADMIN,
                                "drain, and move its VMs elsewhere (make-before-break)",
                                this::evict)
                        .query("deadlineSeconds"),
                Route.of("GET", "/backends", Access.ADMIN, "back ends present", x -> x.ok(devices.backends())),
                Route.of("GET", "/nodes", Access.ADMIN, "the nodes of the installation", this::nodes));
    }

    private void nodes(Exchange x) throws IOException {
        java.time.Instant now = java.time.Instant.now();
        x.ok(devices.nodes().stream().map(n -> Views.node(n, now)).toList());
    }

    private void one(Exchange x) throws IOException {
        String id = x.path("deviceId");
        x.ok(HwpApi.present(devices.device(id), "device", id));
    }

    private void drain(Exchange x) throws IOException {
        String id = x.path("deviceId");
        HwpApi.present(devices.device(id), "device", id);
        x.ok(devices.drain(id));
    }

    private void evict(Exchange x) throws IOException {
        String id = x.path("deviceId");
        HwpApi.present(devices.device(id), "device", id);
        int deadline = x.queryInt("deadlineSeconds", EVICT_DEADLINE_SECONDS, 1, 86_400);
        Eviction e = management.evict(id, java.time.Duration.ofSeconds(deadline), x.caller.actor());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("deviceId", e.deviceId());
        out.put("complete", e.complete());
        out.put("moved", e.moved());
        out.put("stayed", e.stayed());
        out.put("device", HwpApi.present(devices.device(id), "device", id));
        x.ok(out);
    }

    private void enable(Exchange x) throws IOException {
        String id = x.path("deviceId");
        HwpApi.present(devices.device(id), "device", id);
        x.ok(devices.enable(id));
    }
}
