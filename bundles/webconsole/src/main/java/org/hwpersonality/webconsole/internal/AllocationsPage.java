package org.hwpersonality.webconsole.internal;

import static org.hwpersonality.webconsole.internal.Html.esc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.store.EventLog;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Allocations, newest first, and releasing an ACTIVE one; one allocation ({@code ?id=}) with why it was chosen (the
 * matcher's score and reasons, kept in its first audit event) and everything that happened to it.
 */
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
    private static final int HISTORY = 50;

    private final transient ManagementService management;
    private final transient EventLog events;

    @Activate
    public AllocationsPage(@Reference ManagementService management, @Reference EventLog events) {
        this.management = management;
        this.events = events;
    }

    @Override
    protected void render(HttpServletRequest request, Html html) throws IOException {
        String id = request.getParameter("id");
        if (id != null) {
            renderOne(id, html);
            return;
        }
        List<Allocation> list = management.allocations(null, SHOWN);
        html.heading(list.size() + " allocation(s), newest first");
        List<List<String>> rows = new ArrayList<>();
        for (Allocation a : list) {
            rows.add(List.of(
                    Html.link("?id=" + a.id(), a.id()),
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

    private void renderOne(String id, Html html) {
        Optional<Allocation> found = management.allocation(id);
        if (found.isEmpty()) {
            html.flash(null, "allocation '" + id + "' does not exist");
            html.raw("<p>").raw(Html.link("?", "All allocations")).raw("</p>");
            return;
        }
        Allocation a = found.get();
        html.heading(a.id() + " — " + a.state());
        html.raw("<p>").raw(Html.link("?", "All allocations")).raw("</p>");
        List<HwpEvent> history = events.newest(HISTORY, a.id());
        // The first event (RESERVED, or ACTIVE when the region held the image) carries the match's explanation.
        Map<String, String> why =
                history.isEmpty() ? Map.of() : history.get(history.size() - 1).details();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("VM", esc(a.vmId())));
        rows.add(List.of("Workload", esc(a.request().workload())));
        rows.add(List.of("Personality", esc(a.personalityId())));
        rows.add(List.of("Region", esc(a.regionKey())));
        rows.add(List.of("Match", esc(why.getOrDefault("match", "not recorded"))));
        rows.add(List.of(
                "Score", "<span id=\"hwp-score\">" + esc(why.getOrDefault("score", "not recorded")) + "</span>"));
        rows.add(List.of("Expected", esc(why.getOrDefault("expected", ""))));
        rows.add(List.of("Reused the loaded image", esc(why.getOrDefault("reused", ""))));
        rows.add(List.of("Driver", esc(a.driverPackageId().orElse(""))));
        rows.add(List.of(
                "Replaces",
                a.previousAllocationId().map(p -> Html.link("?id=" + p, p)).orElse("")));
        rows.add(List.of("Created", esc(a.createdAt())));
        html.table("hwp-allocation", List.of("", ""), rows);
        html.raw("<h3>Reasons</h3><ul id=\"hwp-reasons\">");
        for (String reason : why.getOrDefault("reasons", "").split("; ")) {
            if (!reason.isBlank()) {
                html.raw("<li>").text(reason).raw("</li>");
            }
        }
        html.raw("</ul><h3>History</h3>");
        List<List<String>> steps = new ArrayList<>();
        for (HwpEvent e : history) {
            steps.add(List.of(esc(e.at()), esc(e.topic().substring(e.topic().lastIndexOf('/') + 1)), esc(e.actor())));
        }
        html.table("hwp-allocation-history", List.of("When", "State", "By"), steps);
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
