package org.hwpersonality.repository.internal;

import java.util.List;
import java.util.Map;
import javax.persistence.TypedQuery;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.store.EventLog;
import org.hwpersonality.repository.internal.entity.EventEntity;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The audit trail in HWP_EVENT. */
@Component(service = EventLog.class)
public class JpaEventLog implements EventLog {
    /** The most events one call returns. */
    static final int MAX_LIMIT = 10_000;

    private final Database database;

    @Activate
    public JpaEventLog(@Reference Database database) {
        this.database = database;
    }

    @Override
    public HwpEvent append(String topic, String subjectId, String actor, Map<String, String> details) {
        EventEntity row = database.inTransaction(em -> Audit.write(em, topic, subjectId, actor, details));
        return Audit.toDomain(row);
    }

    @Override
    public List<HwpEvent> newest(int limit, String subjectId) {
        int n = Math.max(1, Math.min(MAX_LIMIT, limit));
        return database.read(em -> {
            TypedQuery<EventEntity> q = subjectId == null
                    ? em.createQuery("SELECT e FROM EventEntity e ORDER BY e.sequence DESC", EventEntity.class)
                    : em.createQuery(
                                    "SELECT e FROM EventEntity e WHERE e.subjectId = :subject ORDER BY e.sequence DESC",
                                    EventEntity.class)
                            .setParameter("subject", subjectId);
            return q.setMaxResults(n).getResultList().stream()
                    .map(Audit::toDomain)
                    .toList();
        });
    }
}
