package org.hwpersonality.webconsole.internal;

import static org.hwpersonality.webconsole.internal.Html.esc;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.node.Node;
import org.hwpersonality.api.node.NodeRole;
import org.hwpersonality.api.service.DeviceService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The nodes of the installation: roles, lease, and the devices each owns with their states. */
@Component(
        service = Servlet.class,
        property = {
            "felix.webconsole.label=" + NodesPage.LABEL,
            "felix.webconsole.title=Nodes",
            "felix.webconsole.category=HWP"
        })
public class NodesPage extends Page {
    static final String LABEL = "hwp-nodes";
    private static final long serialVersionUID = 1L;

    private final transient DeviceService devices;

    @Activate
    public NodesPage(@Reference DeviceService devices) {
        this.devices = devices;
    }

    @Override
    protected void render(HttpServletRequest request, Html html) throws IOException {
        Instant now = Instant.now();
        List<Node> nodes = devices.nodes();
        Map<String, List<Device>> byNode = devices.devices().stream().collect(Collectors.groupingBy(Device::node));
        html.heading(nodes.size() + " node(s); this is " + devices.nodeId());
        List<List<String>> rows = new ArrayList<>();
        for (Node n : nodes) {
            String owned = byNode.getOrDefault(n.id(), List.of()).stream()
                    .map(d -> esc(d.localId() + " " + d.state()))
                    .collect(Collectors.joining("<br>"));
            rows.add(List.of(
                    "<span class=\"hwp-node\">" + esc(n.id()) + "</span>",
                    esc(n.roles().stream().sorted().map(NodeRole::label).collect(Collectors.joining(", "))),
                    esc(n.hostName()),
                    "<span class=\"hwp-lease\">" + (n.live(now) ? "live" : "EXPIRED") + "</span>",
                    esc(n.leaseUntil()),
                    owned));
        }
        html.table("hwp-nodes", List.of("Node", "Roles", "Host", "Lease", "Lease until", "Devices"), rows);
    }

    @Override
    protected String act(String action, HttpServletRequest request, String actor) {
        throw new org.hwpersonality.api.ValidationException("action", "is unknown: " + action);
    }
}
