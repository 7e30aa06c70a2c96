package org.hwpersonality.repository.internal.entity;

import java.util.Optional;
import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.EnumType;
import javax.persistence.Enumerated;
import javax.persistence.Id;
import javax.persistence.IdClass;
import javax.persistence.Table;
import javax.persistence.Version;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.device.PciAddress;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.device.RegionState;

/**
 * A region of a device. Its version is what keeps two allocations off one region: whoever changes its state
 * second fails with an optimistic-lock conflict, on one node or many.
 */
@Entity
@Table(name = "HWP_REGION")
@IdClass(RegionKey.class)
public class RegionEntity {
    @Id
    @Column(name = "DEVICE_ID")
    private String deviceId;

    @Id
    @Column(name = "REGION_ID")
    private String regionId;

    @Enumerated(EnumType.STRING)
    @Column(name = "KIND")
    private RegionKind kind;

    @Column(name = "LUTS")
    private long luts;

    @Column(name = "REGISTERS")
    private long registers;

    @Column(name = "BRAM_BLOCKS")
    private long bramBlocks;

    @Column(name = "DSPS")
    private long dsps;

    @Column(name = "MEMORY_MB")
    private long memoryMb;

    @Enumerated(EnumType.STRING)
    @Column(name = "STATE")
    private RegionState state;

    @Column(name = "LOADED_PERSONALITY_ID")
    private String loadedPersonalityId;

    @Column(name = "LOADED_IMAGE")
    private String loadedImage;

    @Column(name = "GUEST_FUNCTION")
    private String guestFunction;

    @Column(name = "TENANT")
    private String tenant;

    @Version
    @Column(name = "ROW_VERSION")
    private long rowVersion;

    protected RegionEntity() {}

    public RegionEntity(String deviceId, Region r) {
        this.deviceId = deviceId;
        this.regionId = r.id();
        update(r);
    }

    public void update(Region r) {
        this.kind = r.kind();
        this.luts = r.capacity().luts();
        this.registers = r.capacity().registers();
        this.bramBlocks = r.capacity().bramBlocks();
        this.dsps = r.capacity().dsps();
        this.memoryMb = r.capacity().memoryMb();
        this.state = r.state();
        this.loadedPersonalityId = r.loadedPersonalityId().orElse(null);
        this.loadedImage = r.loadedImage().map(Sha256::hex).orElse(null);
        this.guestFunction = r.guestFunction().map(PciAddress::toString).orElse(null);
        this.tenant = r.tenant().orElse(null);
    }

    public String deviceId() {
        return deviceId;
    }

    public long rowVersion() {
        return rowVersion;
    }

    public Region toDomain() {
        return new Region(
                regionId,
                kind,
                new Resources(luts, registers, bramBlocks, dsps, memoryMb),
                state,
                Optional.ofNullable(loadedPersonalityId),
                Optional.ofNullable(loadedImage).map(Sha256::new),
                Optional.ofNullable(guestFunction).map(f -> PciAddress.parse("guestFunction", f)),
                Optional.ofNullable(tenant));
    }
}
