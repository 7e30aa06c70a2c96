package org.hwpersonality.webconsole.internal;

import static org.hwpersonality.webconsole.internal.Html.esc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServletRequest;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.store.EventLog;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The newest audit events. */
@Component(
        service = Servlet.class,
        property = {
            "felix.webconsole.label=" + EventsPage.LABEL,
            "felix.webconsole.title=Events",
            "felix.webconsole.category=HWP"
        })
public class EventsPage extends Page {
    static final String LABEL = "hwp-events";
    private static final long serialVersionUID = 1L;
    private static final int SHOWN = 100;

    private final transient EventLog events;

    @Activate
    public EventsPage(@Reference EventLog events) {
        this.events = events;
    }

    @Override
    protected void render(HttpServletRequest request, Html html) throws IOException {
        List<HwpEvent> list = events.newest(SHOWN, null);
        html.heading("The newest " + list.size() + " event(s)");
        List<List<String>> rows = new ArrayList<>();
        for (HwpEvent e : list) {
            rows.add(List.of(
                    esc(e.at()),
                    esc(e.topic().substring(HwpEvent.TOPIC_PREFIX.length())),
                    esc(e.subjectId()),
                    esc(e.actor()),
                    esc(e.details().entrySet().stream()
                            .map(d -> d.getKey() + "=" + d.getValue())
                            .collect(Collectors.joining(", ")))));
        }
        html.table("hwp-events", List.of("When", "Event", "About", "By", "Details"), rows);
    }

    @Override
    protected String act(String action, HttpServletRequest request, String actor) {
        throw new org.hwpersonality.api.ValidationException("action", "is unknown: " + action);
    }
}
