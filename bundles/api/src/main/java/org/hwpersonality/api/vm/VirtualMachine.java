package org.hwpersonality.api.vm;

import java.time.Instant;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.internal.Checks;
import org.hwpersonality.api.tenant.Tenant;

/**
 * A registered VM: its ID, a name for operators, its OS, whether its token is still accepted, where it runs (its host
 * node and hypervisor domain, when known) and the tenant it belongs to.
 */
public record VirtualMachine(
        String id,
        String name,
        OsInfo os,
        boolean tokenRevoked,
        Instant registeredAt,
        VmLocation location,
        String tenant) {
    public VirtualMachine {
        Checks.id("id", id);
        Checks.id("name", name);
        Checks.notNull("os", os);
        Checks.notNull("registeredAt", registeredAt);
        Checks.notNull("location", location);
        Checks.name("tenant", tenant);
    }

    /** A VM of the default tenant. */
    public VirtualMachine(
            String id, String name, OsInfo os, boolean tokenRevoked, Instant registeredAt, VmLocation location) {
        this(id, name, os, tokenRevoked, registeredAt, location, Tenant.DEFAULT);
    }

    /** A VM of the default tenant that runs nowhere in particular. */
    public VirtualMachine(String id, String name, OsInfo os, boolean tokenRevoked, Instant registeredAt) {
        this(id, name, os, tokenRevoked, registeredAt, VmLocation.ANYWHERE);
    }

    /** This VM, run elsewhere (a migration). */
    public VirtualMachine movedTo(VmLocation where) {
        return new VirtualMachine(id, name, os, tokenRevoked, registeredAt, where, tenant);
    }
}
