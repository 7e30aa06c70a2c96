package org.hwpersonality.rest.internal;

import java.io.IOException;
import java.util.List;
import org.hwpersonality.api.service.DeviceService;

/** Devices with their regions, the back ends present, and draining a device. */
final class DeviceRoutes {
    private final DeviceService devices;

    DeviceRoutes(DeviceService devices) {
        this.devices = devices;
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

    private void enable(Exchange x) throws IOException {
        String id = x.path("deviceId");
        HwpApi.present(devices.device(id), "device", id);
        x.ok(devices.enable(id));
    }
}
