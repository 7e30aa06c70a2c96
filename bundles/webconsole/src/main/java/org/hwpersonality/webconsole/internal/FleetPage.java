package org.hwpersonality.webconsole.internal;

import static org.hwpersonality.webconsole.internal.Html.esc;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.node.Node;
import org.hwpersonality.api.service.DeviceService;
import org.hwpersonality.api.service.ManagementService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The fleet at a glance: every node, its devices, and each device's regions as tiles coloured by state (the tile's
 * background) and, for a region that serves a VM, by workload (its left edge, one hue per workload, named in the
 * tile). It reloads itself every {@value #REFRESH_SECONDS} seconds.
 */
@Component(
        service = Servlet.class,
        property = {
            "felix.webconsole.label=" + FleetPage.LABEL,
            "felix.webconsole.title=Fleet",
            "felix.webconsole.category=HWP"
        })
public class FleetPage extends Page {
    static final String LABEL = "hwp-fleet";
    static final int REFRESH_SECONDS = 5;
    /** The newest allocations read to name the workload on each region (a fleet's live ones are far fewer). */
    static final int ALLOCATIONS_READ = 10_000;

    private static final long serialVersionUID = 1L;

    private static final Map<RegionState, String> COLOURS = Map.of(
            RegionState.FREE, "#e8f5e9",
            RegionState.RESERVED, "#fff8e1",
            RegionState.PROGRAMMING, "#ffe082",
            RegionState.ACTIVE, "#90caf9",
            RegionState.CLEARING, "#ffe0b2",
            RegionState.FAILED, "#ef9a9a");

    private final transient DeviceService devices;
    private final transient ManagementService management;

    @Activate
    public FleetPage(@Reference DeviceService devices, @Reference ManagementService management) {
        this.devices = devices;
        this.management = management;
    }

    @Override
    protected void render(HttpServletRequest request, Html html) throws IOException {
        Instant now = Instant.now();
        List<Device> all = devices.devices();
        Map<String, List<Device>> byNode = all.stream().collect(Collectors.groupingBy(Device::node));
        Map<String, Allocation> serving = new HashMap<>();
        for (Allocation a : management.allocations(null, ALLOCATIONS_READ)) {
            if (a.state().holdsRegion()) {
                serving.putIfAbsent(a.regionKey(), a); // newest first
            }
        }
        long regions = all.stream().mapToLong(d -> d.regions().size()).sum();
        html.heading(byNode.size() + " node(s), " + all.size() + " device(s), " + regions + " region(s)");
        StringBuilder page = new StringBuilder();
        page.append("<p class=\"statline\">Region states: ");
        for (RegionState s : RegionState.values()) {
            page.append(tile("hwp-legend", s, "", esc(s.name()), ""));
        }
        page.append(" Refreshes every ").append(REFRESH_SECONDS).append(" s.</p>");
        page.append("<div id=\"hwp-fleet\">");
        for (Node n : devices.nodes()) {
            page.append("<div class=\"hwp-fleet-node\" data-node=\"")
                    .append(esc(n.id()))
                    .append("\"><h3>")
                    .append(esc(n.id()))
                    .append(n.live(now) ? "" : " (lease EXPIRED: its devices are OFFLINE)")
                    .append("</h3>");
            for (Device d : byNode.getOrDefault(n.id(), List.of())) {
                page.append("<div class=\"hwp-fleet-device\" data-device=\"")
                        .append(esc(d.id()))
                        .append("\" style=\"margin:2px 0\"><span style=\"display:inline-block;width:22em\">")
                        .append(esc(d.localId() + " " + d.family() + " " + d.state()))
                        .append("</span>");
                for (Region r : d.regions()) {
                    Allocation a = serving.get(d.id() + "/" + r.id());
                    String workload = a == null ? "" : a.request().workload();
                    String label = esc(r.id()) + (workload.isEmpty() ? "" : " " + esc(workload));
                    String title = d.id() + "/" + r.id() + " " + r.state()
                            + r.loadedPersonalityId().map(p -> ", holds " + p).orElse("")
                            + (a == null ? "" : ", " + a.id() + " of " + a.vmId());
                    page.append(tile("hwp-region", r.state(), workload, label, title));
                }
                page.append("</div>");
            }
            page.append("</div>");
        }
        page.append("</div><script>setTimeout(function(){location.reload();},")
                .append(REFRESH_SECONDS * 1000)
                .append(");</script>");
        html.raw(page.toString());
    }

    /** A region's tile: background by state, left edge by workload (a hue from the workload's name). */
    private static String tile(String cssClass, RegionState state, String workload, String label, String title) {
        String edge = workload.isEmpty() ? "#bdbdbd" : "hsl(" + Math.floorMod(workload.hashCode(), 360) + ",70%,40%)";
        return "<span class=\"" + cssClass + " hwp-state-" + state.name() + "\" data-state=\"" + state.name()
                + "\" data-workload=\"" + esc(workload) + "\" title=\"" + esc(title)
                + "\" style=\"display:inline-block;min-width:5em;margin:1px;padding:2px 4px;background:"
                + COLOURS.getOrDefault(state, "#ffffff") + ";border-left:6px solid " + edge + "\">" + label
                + "</span>";
    }

    @Override
    protected String act(String action, HttpServletRequest request, String actor) {
        throw new org.hwpersonality.api.ValidationException("action", "is unknown: " + action);
    }
}
