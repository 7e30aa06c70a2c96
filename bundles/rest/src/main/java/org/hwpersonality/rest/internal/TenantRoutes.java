package org.hwpersonality.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.tenant.Sharing;
import org.hwpersonality.api.tenant.Tenant;

/**
 * Tenants: list, add, set a quota; and who may load which profile and image (administrators only). A sharing is
 * {@code {"public": true|false, "tenants": [...], "shareable": true|false}}.
 */
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
                        .body(Route.JSON),
                Route.of(
                        "GET",
                        "/profiles/{personalityId}/sharing",
                        Access.ADMIN,
                        "who may load a profile",
                        x -> x.ok(view(management.profileSharing(x.path("personalityId"))))),
                Route.of(
                                "PUT",
                                "/profiles/{personalityId}/sharing",
                                Access.ADMIN,
                                "set who may load a profile: public, or tenants; shareable",
                                x -> x.ok(view(management.shareProfile(
                                        x.path("personalityId"), sharing(x, true), x.caller.actor()))))
                        .body(Route.JSON),
                Route.of(
                        "GET",
                        "/bitstreams/{sha256}/sharing",
                        Access.ADMIN,
                        "who may load an image",
                        x -> x.ok(view(management.imageSharing(sha256(x))))),
                Route.of(
                                "PUT",
                                "/bitstreams/{sha256}/sharing",
                                Access.ADMIN,
                                "set who may load an image: public, or tenants",
                                x -> x.ok(view(management.shareImage(sha256(x), sharing(x, false), x.caller.actor()))))
                        .body(Route.JSON));
    }

    private static Sha256 sha256(Exchange x) {
        try {
            return Sha256.of(x.path("sha256"));
        } catch (ValidationException e) {
            throw new ValidationException("sha256", e.reason());
        }
    }

    /** A sharing from the body: {@code public} required, {@code tenants} and {@code shareable} optional. */
    private static Sharing sharing(Exchange x, boolean profile) throws IOException {
        ObjectNode body = x.jsonObject();
        Fields.only(body, profile ? Set.of("public", "tenants", "shareable") : Set.of("public", "tenants"));
        JsonNode open = body.get("public");
        if (open == null || open.isNull()) {
            throw HwpApi.required("public");
        }
        if (!open.isBoolean()) {
            throw new ValidationException("public", "must be true or false");
        }
        java.util.Set<String> tenants = new java.util.TreeSet<>();
        JsonNode list = body.get("tenants");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new ValidationException("tenants", "must be a list of tenant IDs");
            }
            if (list.size() > Sharing.MAX_TENANTS) {
                throw new ValidationException(
                        "tenants",
                        "names " + list.size() + " tenants; at most " + Sharing.MAX_TENANTS + " may be named");
            }
            for (JsonNode t : list) {
                if (!t.isTextual()) {
                    throw new ValidationException("tenants", "must be a list of tenant IDs (strings)");
                }
                tenants.add(t.asText());
            }
        }
        JsonNode shareable = body.get("shareable");
        if (shareable != null && !shareable.isNull() && !shareable.isBoolean()) {
            throw new ValidationException("shareable", "must be true or false");
        }
        return new Sharing(open.booleanValue(), tenants, shareable != null && shareable.booleanValue());
    }

    static Map<String, Object> view(Sharing s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("public", s.publicUse());
        view.put("tenants", s.tenants());
        view.put("shareable", s.shareable());
        return view;
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
