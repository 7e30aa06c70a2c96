package org.hwpersonality.repository.internal.entity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.persistence.CollectionTable;
import javax.persistence.Column;
import javax.persistence.ElementCollection;
import javax.persistence.Entity;
import javax.persistence.EnumType;
import javax.persistence.Enumerated;
import javax.persistence.Id;
import javax.persistence.JoinColumn;
import javax.persistence.Table;
import javax.persistence.Version;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.profile.WorkloadProfile;

/**
 * A stored profile: the whole profile as a JSON document (it never changes), plus the columns that queries
 * filter on, and its status (the only thing that changes, hence the version).
 */
@Entity
@Table(name = "HWP_PROFILE")
public class ProfileEntity {
    @Id
    @Column(name = "PERSONALITY_ID")
    private String personalityId;

    @Column(name = "NAME")
    private String name;

    @Column(name = "PROFILE_VERSION")
    private int profileVersion;

    @Column(name = "VENDOR")
    private String vendor;

    @Column(name = "FAMILY")
    private String family;

    @Enumerated(EnumType.STRING)
    @Column(name = "ORIGIN")
    private Origin origin;

    @Enumerated(EnumType.STRING)
    @Column(name = "STATUS")
    private ProfileStatus status;

    @Column(name = "PARENT_ID")
    private String parentId;

    @Column(name = "CREATED_AT")
    private Instant createdAt;

    @Column(name = "CHANGE_NO")
    private long changeNo;

    @Column(name = "DOCUMENT")
    private String document;

    @Version
    @Column(name = "ROW_VERSION")
    private long rowVersion;

    @ElementCollection
    @CollectionTable(name = "HWP_PROFILE_WORKLOAD", joinColumns = @JoinColumn(name = "PERSONALITY_ID"))
    private List<WorkloadRow> workloads = new ArrayList<>();

    protected ProfileEntity() {}

    public ProfileEntity(PersonalityProfile p, String document) {
        this.personalityId = p.personalityId();
        this.name = p.name();
        this.profileVersion = p.version();
        this.vendor = p.compatibility().vendor();
        this.family = p.compatibility().family();
        this.origin = p.origin();
        this.status = p.status();
        this.parentId = p.lineage().map(l -> l.parentId()).orElse(null);
        this.createdAt = p.createdAt();
        this.document = document;
        for (WorkloadProfile w : p.workloads()) {
            workloads.add(new WorkloadRow(w));
        }
    }

    public String personalityId() {
        return personalityId;
    }

    /** The profile revision of its last change. */
    public void changeNo(long changeNo) {
        this.changeNo = changeNo;
    }

    public String document() {
        return document;
    }

    public ProfileStatus status() {
        return status;
    }

    public void status(ProfileStatus status) {
        this.status = status;
    }
}
