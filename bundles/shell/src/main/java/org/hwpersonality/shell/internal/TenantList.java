package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.tenant.Tenant;

/** {@code tenant:list}: the installation's tenants. */
@Service
@Command(scope = "tenant", name = "list", description = "Lists the tenants (the owners of VMs)")
public class TenantList implements Action {
    @Option(name = "--no-format", description = "Plain output, for scripts")
    boolean noFormat;

    @Reference
    ManagementService management;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("Description");
        table.column("Created");
        table.column("Quota");
        for (Tenant t : management.tenants()) {
            table.addRow()
                    .addContent(
                            t.id(),
                            t.description().isEmpty() ? "-" : t.description(),
                            t.createdAt(),
                            t.maxAllocations().map(String::valueOf).orElse("none"));
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
