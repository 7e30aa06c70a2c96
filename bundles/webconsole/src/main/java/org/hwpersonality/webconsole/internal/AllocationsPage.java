package org.hwpersonality.webconsole.internal;

import static org.hwpersonality.webconsole.internal.Html.esc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.service.ManagementService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Allocations, newest first, and releasing an ACTIVE one. */
@Component(
        service = Servlet.class,
        property = {
            "felix.webconsole.label=" + AllocationsPage.LABEL,
            "felix.webconsole.title=Allocations",
            "felix.webconsole.category=HWP"
        })
public class AllocationsPage extends Page {
    static final String LABEL = "hwp-allocations";
    private static final long serialVersionUID = 1L;
    private static final int SHOWN = 200;

    private final transient ManagementService management;

    @Activate
    public AllocationsPage(@Reference ManagementService management) {
        this.management = management;
    }

    @Override
    protected void render(HttpServletRequest request, Html html) throws IOException {
        List<Allocation> list = management.allocations(null, SHOWN);
        html.heading(list.size() + " allocation(s), newest first");
        List<List<String>> rows = new ArrayList<>();
        for (Allocation a : list) {
            rows.add(List.of(
                    esc(a.id()),
                    esc(a.vmId()),
                    esc(a.request().slot()),
                    "<span class=\"hwp-state\">" + esc(a.state()) + "</span>",
                    esc(a.personalityId()),
                    esc(a.regionKey()),
                    esc(a.driverPackageId().orElse("")),
                    esc(a.previousAllocationId().orElse("")),
                    esc(a.updatedAt()),
                    a.state() == AllocationState.ACTIVE ? Html.button("release", "Release", "id", a.id()) : ""));
        }
        html.table(
                "hwp-allocations",
                List.of(
                        "Allocation",
                        "VM",
                        "Slot",
                        "State",
                        "Personality",
                        "Region",
                        "Driver",
                        "Replaces",
                        "Updated",
                        ""),
                rows);
    }

    @Override
    protected String act(String action, HttpServletRequest request, String actor) {
        if (!action.equals("release")) {
            throw new org.hwpersonality.api.ValidationException("action", "is unknown: " + action);
        }
        String id = param(request, "id");
        Allocation a = management.release(id, actor);
        return "Released " + a.id() + " (" + a.regionKey() + " is free)";
    }
}
