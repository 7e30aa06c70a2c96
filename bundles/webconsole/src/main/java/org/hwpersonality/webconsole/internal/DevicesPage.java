package org.hwpersonality.webconsole.internal;

import static org.hwpersonality.webconsole.internal.Html.esc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.hwpersonality.api.allocation.Eviction;
import org.hwpersonality.api.device.BackendInfo;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.service.DeviceService;
import org.hwpersonality.api.service.ManagementService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Devices with their regions and what each holds, the back ends present, and draining, evicting (drain and move its
 * VMs elsewhere) and enabling a device.
 */
@Component(
        service = Servlet.class,
        property = {
            "felix.webconsole.label=" + DevicesPage.LABEL,
            "felix.webconsole.title=Devices",
            "felix.webconsole.category=HWP"
        })
public class DevicesPage extends Page {
    static final String LABEL = "hwp-devices";
    private static final long serialVersionUID = 1L;

    /** How long the console's Evict moves VMs. */
    static final java.time.Duration EVICT_DEADLINE = java.time.Duration.ofMinutes(5);

    private final transient DeviceService devices;
    private final transient ManagementService management;

    @Activate
    public DevicesPage(@Reference DeviceService devices, @Reference ManagementService management) {
        this.devices = devices;
        this.management = management;
    }

    @Override
    protected void render(HttpServletRequest request, Html html) throws IOException {
        List<Device> list = devices.devices();
        html.heading(list.size() + " device(s)");
        List<List<String>> rows = new ArrayList<>();
        for (Device d : list) {
            String regions = d.regions().stream().map(DevicesPage::region).collect(Collectors.joining("<br>"));
            rows.add(List.of(
                    "<span class=\"hwp-device\">" + esc(d.id()) + "</span>",
                    "<span class=\"hwp-node\">" + esc(d.node()) + "</span>",
                    esc(d.vendor() + " " + d.model()),
                    esc(d.family()),
                    esc(d.backend()),
                    "<span class=\"hwp-state\">" + esc(d.state()) + "</span>",
                    esc(d.health().healthy() ? "OK" : "DEGRADED: " + d.health().message()),
                    regions,
                    switch (d.state()) {
                        case ONLINE ->
                            Html.button("drain", "Drain", "id", d.id()) + Html.button("evict", "Evict", "id", d.id());
                        case DRAINING ->
                            Html.button("enable", "Enable", "id", d.id()) + Html.button("evict", "Evict", "id", d.id());
                        default -> "";
                    }));
        }
        html.table(
                "hwp-devices",
                List.of("Device", "Node", "Model", "Family", "Back end", "State", "Health", "Regions", ""),
                rows);
        List<List<String>> backends = new ArrayList<>();
        for (BackendInfo b : devices.backends()) {
            backends.add(List.of(
                    esc(b.vendor()),
                    esc(b.bundle()),
                    esc(b.version()),
                    esc(b.devices()),
                    esc(b.status() + b.problem().map(p -> ": " + p).orElse(""))));
        }
        html.raw("<h3>Back ends</h3>");
        html.table("hwp-backends", List.of("Vendor", "Bundle", "Version", "Devices", "Status"), backends);
    }

    private static String region(Region r) {
        return esc(r.id() + " " + r.kind() + " " + r.state()
                + r.loadedPersonalityId().map(p -> " holds " + p).orElse("")
                + r.loadedImage().map(i -> " image " + i.hex().substring(0, 12)).orElse("")
                + r.guestFunction().map(f -> ", guest function " + f).orElse("")
                + r.tenant().map(t -> ", last used by tenant " + t).orElse(""));
    }

    @Override
    protected String act(String action, HttpServletRequest request, String actor) {
        String id = param(request, "id");
        switch (action) {
            case "drain":
                return "Device " + id + " is " + devices.drain(id).state() + ": no new allocations";
            case "evict":
                Eviction e = management.evict(id, EVICT_DEADLINE, actor);
                return "Device " + id + " is DRAINING: " + e.moved().size() + " VM(s) moved elsewhere"
                        + (e.complete() ? "" : ", " + e.stayed().size() + " still on it (no room elsewhere)");
            case "enable":
                return "Device " + id + " is " + devices.enable(id).state() + ": it takes new allocations";
            default:
                throw new org.hwpersonality.api.ValidationException("action", "is unknown: " + action);
        }
    }
}
