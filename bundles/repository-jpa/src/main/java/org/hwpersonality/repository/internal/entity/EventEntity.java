package org.hwpersonality.repository.internal.entity;

import java.time.Instant;
import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.GeneratedValue;
import javax.persistence.GenerationType;
import javax.persistence.Id;
import javax.persistence.Table;

/** An audit row: one per state change, numbered by the database in commit order of insertion. */
@Entity
@Table(name = "HWP_EVENT")
public class EventEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    @Column(name = "SEQUENCE_NO")
    private long sequence;

    @Column(name = "OCCURRED_AT")
    private Instant occurredAt;

    @Column(name = "TOPIC")
    private String topic;

    @Column(name = "SUBJECT_ID")
    private String subjectId;

    @Column(name = "ACTOR")
    private String actor;

    @Column(name = "DETAILS")
    private String details;

    protected EventEntity() {}

    public EventEntity(Instant occurredAt, String topic, String subjectId, String actor, String details) {
        this.occurredAt = occurredAt;
        this.topic = topic;
        this.subjectId = subjectId;
        this.actor = actor;
        this.details = details;
    }

    public long sequence() {
        return sequence;
    }

    public Instant occurredAt() {
        return occurredAt;
    }

    public String topic() {
        return topic;
    }

    public String subjectId() {
        return subjectId;
    }

    public String actor() {
        return actor;
    }

    public String details() {
        return details;
    }
}
