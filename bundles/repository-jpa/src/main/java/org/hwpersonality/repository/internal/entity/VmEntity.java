package org.hwpersonality.repository.internal.entity;

import java.time.Instant;
import javax.persistence.Cacheable;
import javax.persistence.Column;
import javax.persistence.Entity;
import javax.persistence.Id;
import javax.persistence.Table;
import javax.persistence.Version;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.vm.VirtualMachine;
import org.hwpersonality.api.vm.VmLocation;

/**
 * A registered VM with the SHA-256 of its API token (never the token itself). Never in a shared cache, whatever the
 * persistence unit's default: a revocation made by another node must be seen at once.
 */
@Entity
@Cacheable(false)
@Table(name = "HWP_VM")
public class VmEntity {
    @Id
    @Column(name = "ID")
    private String id;

    @Column(name = "NAME")
    private String name;

    @Column(name = "OS_FAMILY")
    private String osFamily;

    @Column(name = "OS_KERNEL")
    private String osKernel;

    @Column(name = "TOKEN_HASH")
    private String tokenHash;

    @Column(name = "TOKEN_REVOKED")
    private boolean tokenRevoked;

    @Column(name = "REGISTERED_AT")
    private Instant registeredAt;

    @Column(name = "HOST_NODE")
    private String hostNode;

    @Column(name = "DOMAIN_NAME")
    private String domainName;

    @Column(name = "TENANT")
    private String tenant;

    @Version
    @Column(name = "ROW_VERSION")
    private long rowVersion;

    protected VmEntity() {}

    public VmEntity(VirtualMachine vm, String tokenHash) {
        this.id = vm.id();
        this.name = vm.name();
        this.osFamily = vm.os().family();
        this.osKernel = vm.os().kernel().map(k -> k.text()).orElse(null);
        this.tokenHash = tokenHash;
        this.tokenRevoked = vm.tokenRevoked();
        this.registeredAt = vm.registeredAt();
        this.tenant = vm.tenant();
        moveTo(vm.location());
    }

    public void moveTo(VmLocation where) {
        this.hostNode = where.host().orElse(null);
        this.domainName = where.domain().orElse(null);
    }

    public void revokeToken() {
        this.tokenRevoked = true;
    }

    public String tokenHash() {
        return tokenHash;
    }

    public VirtualMachine toDomain() {
        return new VirtualMachine(
                id,
                name,
                OsInfo.of(osFamily, osKernel),
                tokenRevoked,
                registeredAt,
                VmLocation.of(hostNode, domainName),
                tenant);
    }
}
