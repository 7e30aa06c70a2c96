package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.hwpersonality.api.device.BackendInfo;
import org.hwpersonality.api.service.DeviceService;

/** {@code device:backends}: the back ends present now. */
@Service
@Command(scope = "device", name = "backends", description = "Lists the reconfiguration back ends present")
public class DeviceBackends implements Action {
    @Option(name = "--no-format", description = "Plain output, for scripts")
    boolean noFormat;

    @Reference
    DeviceService devices;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Vendor");
        table.column("Bundle");
        table.column("Version");
        table.column("Devices").alignRight();
        table.column("Status");
        for (BackendInfo b : devices.backends()) {
            table.addRow()
                    .addContent(
                            b.vendor(),
                            b.bundle(),
                            b.version(),
                            b.devices(),
                            b.status() + b.problem().map(p -> ": " + p).orElse(""));
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
