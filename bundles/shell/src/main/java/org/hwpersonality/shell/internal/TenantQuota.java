package org.hwpersonality.shell.internal;

import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.tenant.Tenant;

/** {@code tenant:quota ID MAX|none}: the most allocations the tenant's VMs may hold at once. */
@Service
@Command(
        scope = "tenant",
        name = "quota",
        description = "Sets the most allocations a tenant's VMs may hold at once (none: no limit)")
public class TenantQuota implements Action {
    @Argument(index = 0, name = "id", description = "The tenant", required = true)
    String id;

    @Argument(index = 1, name = "max", description = "A whole number, or none", required = true)
    String max;

    @Reference
    ManagementService management;

    @Override
    public Object execute() {
        Optional<Integer> quota;
        if (max.equals("none")) {
            quota = Optional.empty();
        } else {
            try {
                quota = Optional.of(Integer.parseInt(max));
            } catch (NumberFormatException e) {
                throw new ValidationException("max", "must be a whole number or none, not " + max);
            }
        }
        Tenant t = management.setTenantQuota(id, quota, Actors.current());
        System.out.println("Tenant " + t.id() + ": "
                + t.maxAllocations().map(m -> "at most " + m + " allocation(s)").orElse("no limit"));
        return null;
    }
}
