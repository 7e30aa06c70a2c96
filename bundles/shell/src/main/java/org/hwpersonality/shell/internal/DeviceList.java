package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.service.DeviceService;

/** {@code device:list}: the devices of the fleet. */
@Service
@Command(scope = "device", name = "list", description = "Lists the FPGA devices of the fleet")
public class DeviceList implements Action {
    @Option(name = "--no-format", description = "Plain output, for scripts")
    boolean noFormat;

    @Reference
    DeviceService devices;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("Node");
        table.column("Vendor");
        table.column("Model");
        table.column("Family");
        table.column("Back end");
        table.column("State");
        table.column("Regions used/total");
        table.column("Health");
        for (Device d : devices.devices()) {
            table.addRow()
                    .addContent(
                            d.id(),
                            d.node(),
                            d.vendor(),
                            d.model(),
                            d.family(),
                            d.backend(),
                            d.state(),
                            d.regionsUsed() + "/" + d.regions().size(),
                            d.health().healthy()
                                    ? "OK"
                                    : "DEGRADED: " + d.health().message());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
