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
import org.hwpersonality.api.KernelVersion;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.Requirements;

/** An allocation of a region to a VM; its state is written before the step it names. */
@Entity
@Table(name = "HWP_ALLOCATION")
public class AllocationEntity {
    @Id
    @Column(name = "ID")
    private String id;

    @Column(name = "VM_ID")
    private String vmId;

    @Column(name = "WORKLOAD")
    private String workload;

    @Column(name = "SLOT")
    private String slot;

    @Column(name = "OS_FAMILY")
    private String osFamily;

    @Column(name = "OS_KERNEL")
    private String osKernel;

    @Column(name = "MIN_THROUGHPUT_GOPS")
    private Double minThroughputGops;

    @Column(name = "MAX_LATENCY_US")
    private Double maxLatencyUs;

    @Column(name = "MAX_POWER_WATTS")
    private Double maxPowerWatts;

    @Column(name = "MIN_MEMORY_MB")
    private Long minMemoryMb;

    /** DEVICE_ID/REGION_ID while the allocation holds its region (unique), else null. */
    @Column(name = "HELD_REGION")
    private String heldRegion;

    /** VM_ID while the allocation holds its region, else null: a VM's current allocations, found by index. */
    @Column(name = "HELD_VM")
    private String heldVm;

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
        PersonalityRequest r = a.request();
        this.workload = r.workload();
        this.slot = r.slot();
        this.osFamily = r.os().family();
        this.osKernel = r.os().kernel().map(KernelVersion::text).orElse(null);
        this.minThroughputGops = r.requirements().minThroughputGops().orElse(null);
        this.maxLatencyUs = r.requirements().maxLatencyUs().orElse(null);
        this.maxPowerWatts = r.requirements().maxPowerWatts().orElse(null);
        this.minMemoryMb = r.requirements().minMemoryMb().orElse(null);
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
        this.heldRegion = a.state().holdsRegion() ? a.regionKey() : null;
        this.heldVm = a.state().holdsRegion() ? a.vmId() : null;
    }

    public Allocation toDomain() {
        return new Allocation(
                id,
                vmId,
                new PersonalityRequest(
                        vmId,
                        OsInfo.of(osFamily, osKernel),
                        workload,
                        new Requirements(
                                Optional.ofNullable(minThroughputGops),
                                Optional.ofNullable(maxLatencyUs),
                                Optional.ofNullable(maxPowerWatts),
                                Optional.ofNullable(minMemoryMb)),
                        slot),
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
