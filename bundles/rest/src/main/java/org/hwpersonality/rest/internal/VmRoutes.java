package org.hwpersonality.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.tenant.Tenant;
import org.hwpersonality.api.vm.VirtualMachine;
import org.hwpersonality.api.vm.VmLocation;
import org.hwpersonality.api.vm.VmRegistration;

/** VMs: register (the token is in this answer only), list, one, revoke a token. */
final class VmRoutes {
    private final ManagementService management;

    VmRoutes(ManagementService management) {
        this.management = management;
    }

    List<Route> routes() {
        return List.of(
                Route.of("POST", "/vms", Access.ADMIN, "register a VM; its token is returned once", this::register)
                        .body(Route.JSON),
                Route.of("GET", "/vms", Access.ADMIN, "registered VMs", x -> x.ok(management.vms())),
                Route.of("GET", "/vms/{vmId}", Access.ADMIN_OR_VM, "one VM (a VM sees itself)", this::one),
                Route.of(
                                "PATCH",
                                "/vms/{vmId}",
                                Access.ADMIN,
                                "change where a VM runs: host, domain (null clears)",
                                this::move)
                        .body(Route.JSON),
                Route.of("DELETE", "/vms/{vmId}/token", Access.ADMIN, "revoke the VM's token", this::revoke));
    }

    private void register(Exchange x) throws IOException {
        ObjectNode body = x.jsonObject();
        Fields.only(body, Set.of("name", "os", "host", "domain", "tenant"));
        String name = Fields.text(body, "name");
        JsonNode os = body.get("os");
        if (os == null || os.isNull()) {
            throw HwpApi.required("os");
        }
        OsInfo guest = x.convert(os, OsInfo.class);
        VmLocation where = VmLocation.of(Fields.optionalText(body, "host"), Fields.optionalText(body, "domain"));
        String tenant = Fields.optionalText(body, "tenant");
        VmRegistration r =
                management.registerVm(name, guest, where, tenant == null ? Tenant.DEFAULT : tenant, x.caller.actor());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("vmId", r.vm().id());
        answer.put("token", r.token());
        answer.put("vm", r.vm());
        x.created(HwpApi.BASE + "/vms/" + r.vm().id(), answer);
    }

    private void one(Exchange x) throws IOException {
        String id = x.path("vmId");
        x.caller.requireActingFor(id, "read the VM record");
        x.ok(HwpApi.present(management.vm(id), "VM", id));
    }

    /** Fields present are changed (null clears one); absent ones stay as they are. */
    private void move(Exchange x) throws IOException {
        String id = x.path("vmId");
        ObjectNode body = x.jsonObject();
        Fields.only(body, Set.of("host", "domain"));
        if (body.isEmpty()) {
            throw new ValidationException("host", "or domain is required: the body changes nothing");
        }
        VirtualMachine vm = HwpApi.present(management.vm(id), "VM", id);
        VmLocation now = vm.location();
        VmLocation where = VmLocation.of(
                body.has("host")
                        ? Fields.optionalText(body, "host")
                        : now.host().orElse(null),
                body.has("domain")
                        ? Fields.optionalText(body, "domain")
                        : now.domain().orElse(null));
        x.ok(management.moveVm(id, where, x.caller.actor()));
    }

    private void revoke(Exchange x) throws IOException {
        String id = x.path("vmId");
        if (id.isBlank()) {
            throw new ValidationException("vmId", "is required");
        }
        x.ok(management.revokeToken(id, x.caller.actor()));
    }
}
