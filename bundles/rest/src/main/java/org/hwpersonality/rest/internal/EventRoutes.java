package org.hwpersonality.rest.internal;

import java.io.IOException;
import java.util.List;
import org.hwpersonality.api.store.EventLog;

/** The audit trail, newest first, optionally about one object. */
final class EventRoutes {
    static final int MAX_EVENTS = 1000;

    private final EventLog events;

    EventRoutes(EventLog events) {
        this.events = events;
    }

    List<Route> routes() {
        return List.of(Route.of("GET", "/events", Access.ADMIN, "audit events, newest first", this::list)
                .query("limit", "subjectId"));
    }

    private void list(Exchange x) throws IOException {
        int limit = x.queryInt("limit", 100, 1, MAX_EVENTS);
        x.ok(events.newest(limit, x.queryId("subjectId", "the ID of an object").orElse(null)));
    }
}
