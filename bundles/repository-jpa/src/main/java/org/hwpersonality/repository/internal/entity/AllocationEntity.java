package org.hwpersonality.repository.internal.entity;

import java.time.Instant;
import java.util.Optional;
import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.EnumType;
import javax.persistence.Enumerated;
import javax.persistence.Id;
import javax.persistence.Table;
import javax.persistence.Version;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationState;

/** An allocation of a region to a VM; its state is written before the step it names. */
@Entity
@Table(name = "HWP_ALLOCATION")
public class AllocationEntity {
    @Id
    @Column(name = "ID")
    private String id;

    @Column(name = "VM_ID")
    private String vmId;

    @Column(name = "PERSONALITY_ID")
    private String personalityId;

    @Column(name = "DEVICE_ID")
    private String deviceId;

    @Column(name = "REGION_ID")
    private String regionId;

    @Enumerated(EnumType.STRING)
    @Column(name = "STATE")
    private AllocationState state;

    @Column(name = "DRIVER_PACKAGE_ID")
    private String driverPackageId;

    @Column(name = "PREVIOUS_ALLOCATION_ID")
    private String previousAllocationId;

    @Column(name = "CREATED_AT")
    private Instant createdAt;

    @Column(name = "UPDATED_AT")
    private Instant updatedAt;

    @Version
    @Column(name = "ROW_VERSION")
    private long rowVersion;

    protected AllocationEntity() {}

    public AllocationEntity(Allocation a) {
        this.id = a.id();
        this.vmId = a.vmId();
        this.personalityId = a.personalityId();
        this.deviceId = a.deviceId();
        this.regionId = a.regionId();
        this.createdAt = a.createdAt();
        update(a);
    }

    /** Takes over what may change: state, driver, times. */
    public void update(Allocation a) {
        this.state = a.state();
        this.driverPackageId = a.driverPackageId().orElse(null);
        this.previousAllocationId = a.previousAllocationId().orElse(null);
        this.updatedAt = a.updatedAt();
    }

    public Allocation toDomain() {
        return new Allocation(
                id,
                vmId,
                personalityId,
                deviceId,
                regionId,
                state,
                Optional.ofNullable(driverPackageId),
                Optional.ofNullable(previousAllocationId),
                createdAt,
                updatedAt);
    }
}
