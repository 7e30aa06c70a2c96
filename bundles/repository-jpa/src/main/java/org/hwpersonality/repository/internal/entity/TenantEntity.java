package org.hwpersonality.repository.internal.entity;

import java.time.Instant;
import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.Id;
import javax.persistence.Table;
import javax.persistence.Version;
import org.hwpersonality.api.tenant.Tenant;

/** A tenant (HWP_TENANT). */
@Entity
@Table(name = "HWP_TENANT")
public class TenantEntity {
    @Id
    @Column(name = "ID")
    private String id;

    @Column(name = "DESCRIPTION")
    private String description;

    @Column(name = "CREATED_AT")
    private Instant createdAt;

    @Column(name = "MAX_ALLOCATIONS")
    private Integer maxAllocations;

    @Version
    @Column(name = "ROW_VERSION")
    private long rowVersion;

    protected TenantEntity() {}

    public TenantEntity(Tenant tenant) {
        this.id = tenant.id();
        this.description = tenant.description();
        this.createdAt = tenant.createdAt();
        this.maxAllocations = tenant.maxAllocations().orElse(null);
    }

    public void setQuota(java.util.Optional<Integer> max) {
        this.maxAllocations = max.orElse(null);
    }

    public Tenant toDomain() {
        return new Tenant(id, description, createdAt, java.util.Optional.ofNullable(maxAllocations));
    }
}
