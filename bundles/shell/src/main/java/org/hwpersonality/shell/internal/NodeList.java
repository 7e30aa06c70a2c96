package org.hwpersonality.shell.internal;

import java.time.Instant;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.hwpersonality.api.node.Node;
import org.hwpersonality.api.node.NodeRole;
import org.hwpersonality.api.service.DeviceService;

/** {@code node:list}: the nodes of the installation, their roles, leases and devices. */
@Service
@Command(scope = "node", name = "list", description = "Lists the nodes of the installation: roles, lease, devices")
public class NodeList implements Action {
    @Option(name = "--no-format", description = "Plain output, for scripts")
    boolean noFormat;

    @Reference
    DeviceService devices;

    @Override
    public Object execute() {
        Instant now = Instant.now();
        String self = devices.nodeId();
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("Roles");
        table.column("Host");
        table.column("Lease");
        table.column("Lease until");
        table.column("Devices").alignRight();
        for (Node n : devices.nodes()) {
            table.addRow()
                    .addContent(
                            n.id() + (n.id().equals(self) ? " (this node)" : ""),
                            n.roles().stream().sorted().map(NodeRole::label).collect(Collectors.joining(",")),
                            n.hostName(),
                            n.live(now) ? "live" : "EXPIRED",
                            n.leaseUntil(),
                            n.devices());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
