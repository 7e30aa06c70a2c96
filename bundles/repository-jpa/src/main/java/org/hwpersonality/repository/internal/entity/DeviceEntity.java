package org.hwpersonality.repository.internal.entity;

import java.util.List;
import java.util.Optional;
import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.EnumType;
import javax.persistence.Enumerated;
import javax.persistence.Id;
import javax.persistence.Table;
import javax.persistence.Version;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceHealth;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.device.Region;

/** A device of the fleet as last reported by its back end; its regions are {@link RegionEntity} rows. */
@Entity
@Table(name = "HWP_DEVICE")
public class DeviceEntity {
    @Id
    @Column(name = "ID")
    private String id;

    @Column(name = "VENDOR")
    private String vendor;

    @Column(name = "MODEL")
    private String model;

    @Column(name = "FAMILY")
    private String family;

    @Column(name = "INTERFACE_ID")
    private String interfaceId;

    @Column(name = "BACKEND")
    private String backend;

    @Enumerated(EnumType.STRING)
    @Column(name = "STATE")
    private DeviceState state;

    @Column(name = "HEALTHY")
    private boolean healthy;

    @Column(name = "HEALTH_MESSAGE")
    private String healthMessage;

    @Column(name = "TEMPERATURE_C")
    private Double temperatureCelsius;

    @Column(name = "NODE_ID")
    private String nodeId;

    @Column(name = "LOCAL_ID")
    private String localId;

    @Version
    @Column(name = "ROW_VERSION")
    private long rowVersion;

    protected DeviceEntity() {}

    public DeviceEntity(Device d) {
        this.id = d.id();
        update(d);
    }

    /** Takes over everything but the ID and the regions. */
    public void update(Device d) {
        this.vendor = d.vendor();
        this.model = d.model();
        this.family = d.family();
        this.interfaceId = d.interfaceId();
        this.backend = d.backend();
        this.state = d.state();
        this.healthy = d.health().healthy();
        this.healthMessage = d.health().message();
        this.temperatureCelsius = d.health().temperatureCelsius().orElse(null);
        this.nodeId = d.node();
        this.localId = d.localId();
    }

    public String id() {
        return id;
    }

    public String localId() {
        return localId == null ? id : localId;
    }

    /** Whether new allocations may go to this device: ONLINE and healthy. */
    public boolean acceptsAllocations() {
        return state == DeviceState.ONLINE && healthy;
    }

    public DeviceState state() {
        return state;
    }

    public Device toDomain(List<Region> regions) {
        return new Device(
                id,
                vendor,
                model,
                family,
                interfaceId,
                backend,
                state,
                new DeviceHealth(healthy, healthMessage, Optional.ofNullable(temperatureCelsius)),
                regions,
                nodeId,
                localId == null ? id : localId);
    }
}
