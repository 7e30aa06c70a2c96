package org.hwpersonality.api.store;

import java.util.List;
import java.util.Map;
import org.hwpersonality.api.event.HwpEvent;
import org.osgi.annotation.versioning.ProviderType;

/** The audit trail: one row per state change, numbered in the order they were written. */
@ProviderType
public interface EventLog {
    /** Writes one audit row in its own transaction. */
    HwpEvent append(String topic, String subjectId, String actor, Map<String, String> details);

    /** The newest events first, at most {@code limit}; only those about {@code subjectId} if it is not null. */
    List<HwpEvent> newest(int limit, String subjectId);
}
