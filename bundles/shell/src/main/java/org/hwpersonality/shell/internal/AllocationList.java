package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.service.ManagementService;

/** {@code allocation:list [--vm VM] [--limit N]}: allocations, newest first. */
@Service
@Command(scope = "allocation", name = "list", description = "Lists allocations, newest first")
public class AllocationList implements Action {
    @Option(name = "--vm", description = "Only this VM's")
    @Completion(VmIdCompleter.class)
    String vm;

    @Option(name = "--limit", description = "At most this many (default 100)")
    int limit = 100;

    @Option(name = "--no-format", description = "Plain output, for scripts")
    boolean noFormat;

    @Reference
    ManagementService management;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("VM");
        table.column("Slot");
        table.column("Personality");
        table.column("Region");
        table.column("State");
        table.column("Workload");
        table.column("Updated");
        for (Allocation a : management.allocations(vm, limit)) {
            table.addRow()
                    .addContent(
                            a.id(),
                            a.vmId(),
                            a.request().slot(),
                            a.personalityId(),
                            a.regionKey(),
                            a.state(),
                            a.request().workload(),
                            a.updatedAt());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
