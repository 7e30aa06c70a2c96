package org.hwpersonality.repository.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import javax.persistence.EntityManager;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.json.HwpJson;
import org.hwpersonality.repository.internal.entity.EventEntity;

/** Audit rows, written in the transaction of the change they describe; details are a JSON object of strings. */
final class Audit {
    private static final ObjectMapper JSON = HwpJson.newJsonMapper().disable(SerializationFeature.INDENT_OUTPUT);

    private Audit() {}

    static EventEntity write(
            EntityManager em, String topic, String subjectId, String actor, Map<String, String> details) {
        // Both databases keep microseconds.
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        // Validates topic, subject, actor and details the way every event must be.
        new HwpEvent(0, now, topic, subjectId, actor, details);
        EventEntity row = new EventEntity(now, topic, subjectId, actor, toJson(details));
        em.persist(row);
        return row;
    }

    /** The same row over JDBC, in the caller's transaction. */
    static void write(Connection c, String topic, String subjectId, String actor, Map<String, String> details)
            throws SQLException {
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        new HwpEvent(0, now, topic, subjectId, actor, details);
        PreparedStatement s = Statements.prepare(
                c, "INSERT INTO HWP_EVENT (OCCURRED_AT, TOPIC, SUBJECT_ID, ACTOR, DETAILS) VALUES (?, ?, ?, ?, ?)");
        s.setTimestamp(1, Timestamp.from(now));
        s.setString(2, topic);
        s.setString(3, subjectId);
        s.setString(4, actor);
        s.setString(5, toJson(details));
        s.executeUpdate();
    }

    static HwpEvent toDomain(EventEntity e) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, String> details = JSON.readValue(e.details(), TreeMap.class);
            return new HwpEvent(e.sequence(), e.occurredAt(), e.topic(), e.subjectId(), e.actor(), details);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("event " + e.sequence() + " has unreadable details", ex);
        }
    }

    private static String toJson(Map<String, String> details) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(details));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
