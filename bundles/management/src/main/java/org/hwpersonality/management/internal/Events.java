package org.hwpersonality.management.internal;

import java.util.HashMap;
import java.util.Map;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.event.HwpEvent;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * OSGi events after each committed change (the audit row is written in the change's own transaction). Sent
 * asynchronously; none if no EventAdmin is present.
 */
final class Events {
    private volatile EventAdmin admin;

    void bind(EventAdmin admin) {
        this.admin = admin;
    }

    void unbind(EventAdmin admin) {
        if (this.admin == admin) {
            this.admin = null;
        }
    }

    void allocation(Allocation a, String actor) {
        Map<String, Object> p = new HashMap<>();
        p.put("allocationId", a.id());
        p.put("vmId", a.vmId());
        p.put("personalityId", a.personalityId());
        p.put("deviceId", a.deviceId());
        p.put("regionId", a.regionId());
        p.put("state", a.state().name());
        p.put("actor", actor);
        post(HwpEvent.topic("allocation", a.state().name()), p);
    }

    void post(String topic, Map<String, Object> properties) {
        EventAdmin current = admin;
        if (current != null) {
            current.postEvent(new Event(topic, properties));
        }
    }
}
