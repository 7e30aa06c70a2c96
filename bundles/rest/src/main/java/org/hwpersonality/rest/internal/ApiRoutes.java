package org.hwpersonality.rest.internal;

import java.util.ArrayList;
import java.util.List;
import org.hwpersonality.api.service.BitstreamStore;
import org.hwpersonality.api.service.DeviceService;
import org.hwpersonality.api.service.DriverRepository;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.api.store.EventLog;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The API's routes that need the database and the services on it. A component of its own so that the servlet ({@link
 * HwpApi}) stays while they are absent — the node starting, or its database unreachable — and answers then that it
 * cannot serve, with the reason in {@code /health}.
 */
@Component(service = ApiRoutes.class)
public final class ApiRoutes {
    private final ManagementService management;
    private final List<Route> routes;

    @Activate
    public ApiRoutes(
            @Reference ManagementService management,
            @Reference ProfileRepository profiles,
            @Reference DeviceService devices,
            @Reference DriverRepository drivers,
            @Reference BitstreamStore bitstreams,
            @Reference EventLog events) {
        this.management = management;
        List<Route> all = new ArrayList<>();
        all.addAll(new HealthRoutes(management, profiles, devices).routes());
        all.addAll(new ProfileRoutes(profiles, management).routes());
        all.addAll(new DeviceRoutes(devices, management).routes());
        all.addAll(new VmRoutes(management).routes());
        all.addAll(new TenantRoutes(management).routes());
        all.addAll(new AllocationRoutes(management).routes());
        all.addAll(new ArtifactRoutes(bitstreams, drivers, management).routes());
        all.addAll(new EventRoutes(events).routes());
        this.routes = List.copyOf(all);
    }

    /** The management service: it authenticates VMs' tokens. */
    ManagementService management() {
        return management;
    }

    List<Route> routes() {
        return routes;
    }
}
