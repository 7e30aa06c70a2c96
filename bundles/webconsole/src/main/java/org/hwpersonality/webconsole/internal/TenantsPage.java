package org.hwpersonality.webconsole.internal;

import static org.hwpersonality.webconsole.internal.Html.esc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.tenant.Tenant;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Tenants, with how many VMs each has, and adding one. */
@Component(
        service = Servlet.class,
        property = {
            "felix.webconsole.label=" + TenantsPage.LABEL,
            "felix.webconsole.title=Tenants",
            "felix.webconsole.category=HWP"
        })
public class TenantsPage extends Page {
    static final String LABEL = "hwp-tenants";
    private static final long serialVersionUID = 1L;

    private final transient ManagementService management;

    @Activate
    public TenantsPage(@Reference ManagementService management) {
        this.management = management;
    }

    @Override
    protected void render(HttpServletRequest request, Html html) throws IOException {
        List<Tenant> list = management.tenants();
        java.util.Map<String, Long> vms = new java.util.HashMap<>();
        management.vms().forEach(vm -> vms.merge(vm.tenant(), 1L, Long::sum));
        html.heading(list.size() + " tenant(s)");
        List<List<String>> rows = new ArrayList<>();
        for (Tenant t : list) {
            rows.add(List.of(
                    esc(t.id()),
                    esc(t.description()),
                    esc(vms.getOrDefault(t.id(), 0L)),
                    esc(t.maxAllocations().map(String::valueOf).orElse("none")),
                    esc(t.createdAt())));
        }
        html.table("hwp-tenants", List.of("Tenant", "Description", "VMs", "Quota", "Added"), rows);
        html.raw("<form method=\"post\" id=\"hwp-tenant-add\"><input type=\"hidden\" name=\"action\" value=\"add\">")
                .raw("Tenant <input name=\"id\" pattern=\"[a-z][a-z0-9-]{0,63}\" required> ")
                .raw("Description <input name=\"description\" maxlength=\"255\"> ")
                .raw("<button type=\"submit\" class=\"ui-button\">Add tenant</button></form>\n");
    }

    @Override
    protected String act(String action, HttpServletRequest request, String actor) {
        if (!action.equals("add")) {
            throw new org.hwpersonality.api.ValidationException("action", "is unknown: " + action);
        }
        Tenant t = management.addTenant(param(request, "id"), request.getParameter("description"), actor);
        return "Added tenant " + t.id();
    }
}
