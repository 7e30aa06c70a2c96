package org.hwpersonality.webconsole.internal;

import static org.hwpersonality.webconsole.internal.Html.esc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.vm.VirtualMachine;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Registered VMs, and revoking a VM's token. */
@Component(
        service = Servlet.class,
        property = {
            "felix.webconsole.label=" + VmsPage.LABEL,
            "felix.webconsole.title=VMs",
            "felix.webconsole.category=HWP"
        })
public class VmsPage extends Page {
    static final String LABEL = "hwp-vms";
    private static final long serialVersionUID = 1L;

    private final transient ManagementService management;

    @Activate
    public VmsPage(@Reference ManagementService management) {
        this.management = management;
    }

    @Override
    protected void render(HttpServletRequest request, Html html) throws IOException {
        List<VirtualMachine> list = management.vms();
        html.heading(list.size() + " VM(s)");
        List<List<String>> rows = new ArrayList<>();
        for (VirtualMachine vm : list) {
            rows.add(List.of(
                    esc(vm.id()),
                    esc(vm.name()),
                    esc(vm.os().family() + vm.os().kernel().map(k -> " " + k).orElse("")),
                    esc(vm.location().host().orElse("any node")),
                    esc(vm.location().domain().orElse("")),
                    esc(vm.registeredAt()),
                    vm.tokenRevoked() ? "revoked" : "valid",
                    esc(vm.tenant()),
                    vm.tokenRevoked() ? "" : Html.button("revoke", "Revoke token", "id", vm.id())));
        }
        html.table("hwp-vms", List.of("VM", "Name", "OS", "Host", "Domain", "Registered", "Token", "Tenant", ""), rows);
    }

    @Override
    protected String act(String action, HttpServletRequest request, String actor) {
        if (!action.equals("revoke")) {
            throw new org.hwpersonality.api.ValidationException("action", "is unknown: " + action);
        }
        String id = param(request, "id");
        management.revokeToken(id, actor);
        return "Revoked the token of " + id;
    }
}
