package org.hwpersonality.rest.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.tenant.Tenant;

/** Tenants: list and add (administrators only). */
final class TenantRoutes {
    private final ManagementService management;

    TenantRoutes(ManagementService management) {
        this.management = management;
    }

    List<Route> routes() {
        return List.of(
                Route.of(
                        "GET", "/tenants", Access.ADMIN, "the installation's tenants", x -> x.ok(management.tenants())),
                Route.of("POST", "/tenants", Access.ADMIN, "add a tenant", this::add)
                        .body(Route.JSON));
    }

    private void add(Exchange x) throws IOException {
        ObjectNode body = x.jsonObject();
        Fields.only(body, Set.of("id", "description"));
        Tenant tenant = management.addTenant(
                Fields.text(body, "id"), Fields.optionalText(body, "description"), x.caller.actor());
        x.created(HwpApi.BASE + "/tenants", tenant);
    }
}
