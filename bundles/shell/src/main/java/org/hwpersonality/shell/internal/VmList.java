package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.vm.VirtualMachine;

/** {@code vm:list}: the registered VMs. */
@Service
@Command(scope = "vm", name = "list", description = "Lists the registered VMs")
public class VmList implements Action {
    @Option(name = "--no-format", description = "Plain output, for scripts")
    boolean noFormat;

    @Reference
    ManagementService management;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("Name");
        table.column("OS");
        table.column("Host");
        table.column("Domain");
        table.column("Registered");
        table.column("Token");
        table.column("Tenant");
        for (VirtualMachine vm : management.vms()) {
            table.addRow()
                    .addContent(
                            vm.id(),
                            vm.name(),
                            vm.os().family()
                                    + vm.os().kernel().map(k -> " " + k).orElse(""),
                            vm.location().host().orElse("-"),
                            vm.location().domain().orElse("-"),
                            vm.registeredAt(),
                            vm.tokenRevoked() ? "revoked" : "valid",
                            vm.tenant());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
