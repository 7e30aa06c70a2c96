package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.service.DriverRepository;

/** {@code driver:list}: the driver packages of the repository. */
@Service
@Command(scope = "driver", name = "list", description = "Lists driver packages")
public class DriverList implements Action {
    @Option(name = "--no-format", description = "Plain output, for scripts")
    boolean noFormat;

    @Reference
    DriverRepository drivers;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("Name");
        table.column("Version");
        table.column("OS");
        table.column("Kernels");
        table.column("Arch");
        table.column("Serves");
        table.column("Bytes").alignRight();
        for (DriverPackage p : drivers.list()) {
            table.addRow()
                    .addContent(
                            p.id(),
                            p.name(),
                            p.version(),
                            p.osFamily(),
                            p.kernels(),
                            p.architecture(),
                            String.join(",", p.serves()),
                            p.sizeBytes());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
