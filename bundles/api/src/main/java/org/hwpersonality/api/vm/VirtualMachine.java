package org.hwpersonality.api.vm;

import java.time.Instant;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.internal.Checks;

/**
 * A registered VM: its ID, a name for operators, its OS, whether its token is still accepted, and where it runs
 * (its host node and hypervisor domain, when known).
 */
public record VirtualMachine(
        String id, String name, OsInfo os, boolean tokenRevoked, Instant registeredAt, VmLocation location) {
    public VirtualMachine {
        Checks.id("id", id);
        Checks.id("name", name);
        Checks.notNull("os", os);
        Checks.notNull("registeredAt", registeredAt);
        Checks.notNull("location", location);
    }

    /** A VM that runs nowhere in particular. */
    public VirtualMachine(String id, String name, OsInfo os, boolean tokenRevoked, Instant registeredAt) {
        this(id, name, os, tokenRevoked, registeredAt, VmLocation.ANYWHERE);
    }

    /** This VM, run elsewhere (a migration). */
    public VirtualMachine movedTo(VmLocation where) {
        return new VirtualMachine(id, name, os, tokenRevoked, registeredAt, where);
    }
}
