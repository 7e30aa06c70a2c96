package org.hwpersonality.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.tenant.Tenant;

/** Tenants: list, add, set a quota (administrators only). */
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
                        .body(Route.JSON),
                Route.of(
                                "PATCH",
                                "/tenants/{tenantId}",
                                Access.ADMIN,
                                "set a tenant's quota: maxAllocations (null lifts it)",
                                this::quota)
                        .body(Route.JSON));
    }

    private void add(Exchange x) throws IOException {
        ObjectNode body = x.jsonObject();
        Fields.only(body, Set.of("id", "description"));
        Tenant tenant = management.addTenant(
                Fields.text(body, "id"), Fields.optionalText(body, "description"), x.caller.actor());
        x.created(HwpApi.BASE + "/tenants", tenant);
    }

    private void quota(Exchange x) throws IOException {
        ObjectNode body = x.jsonObject();
        Fields.only(body, Set.of("maxAllocations"));
        if (!body.has("maxAllocations")) {
            throw HwpApi.required("maxAllocations");
        }
        JsonNode max = body.get("maxAllocations");
        if (!max.isNull() && !max.canConvertToExactIntegral()) {
            throw new ValidationException("maxAllocations", "must be a whole number, or null for no limit");
        }
        if (!max.isNull() && !max.canConvertToInt()) {
            throw new ValidationException("maxAllocations", "must be between 0 and " + Tenant.MAX_QUOTA);
        }
        Optional<Integer> quota = max.isNull() ? Optional.empty() : Optional.of(max.intValue());
        x.ok(management.setTenantQuota(x.path("tenantId"), quota, x.caller.actor()));
    }
}
