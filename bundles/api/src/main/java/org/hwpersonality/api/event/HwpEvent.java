package org.hwpersonality.api.event;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.hwpersonality.api.internal.Checks;

/**
 * An audit event: when, which topic (an EventAdmin topic such as {@code org/hwpersonality/allocation/ACTIVE}),
 * the object it is about, who caused it, and details.
 */
public record HwpEvent(
        long sequence, Instant at, String topic, String subjectId, String actor, Map<String, String> details) {
    /** The prefix of every HWP EventAdmin topic. */
    public static final String TOPIC_PREFIX = "org/hwpersonality/";

    private static final Pattern TOPIC = Pattern.compile("org/hwpersonality(/[A-Za-z0-9_-]+)+");

    public HwpEvent {
        Checks.nonNegative("sequence", sequence);
        Checks.notNull("at", at);
        Checks.matches("topic", topic, TOPIC, "must be an EventAdmin topic under org/hwpersonality/");
        Checks.id("subjectId", subjectId);
        Checks.text("actor", actor, 256);
        details = Checks.stringMap("details", details, 64);
    }

    /** The topic for a subject kind and what happened to it, e.g. {@code topic("allocation", "ACTIVE")}. */
    public static String topic(String subjectKind, String what) {
        return TOPIC_PREFIX + subjectKind + "/" + what;
    }
}
