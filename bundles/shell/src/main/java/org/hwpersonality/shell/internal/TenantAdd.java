package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.tenant.Tenant;

/** {@code tenant:add ID [DESCRIPTION]}: a new tenant, to register VMs for with {@code vm:register --tenant ID}. */
@Service
@Command(scope = "tenant", name = "add", description = "Adds a tenant (an owner of VMs)")
public class TenantAdd implements Action {
    @Argument(index = 0, name = "id", description = "Lower-case name: [a-z][a-z0-9-]{0,63}", required = true)
    String id;

    @Argument(index = 1, name = "description", description = "For operators")
    String description;

    @Reference
    ManagementService management;

    @Override
    public Object execute() {
        Tenant t = management.addTenant(id, description, Actors.current());
        System.out.println("Tenant " + t.id() + " added");
        return null;
    }
}
