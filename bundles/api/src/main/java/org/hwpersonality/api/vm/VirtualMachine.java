package org.hwpersonality.api.vm;

import java.time.Instant;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.internal.Checks;

/** A registered VM: its ID, a name for operators, its OS, and whether its token is still accepted. */
public record VirtualMachine(String id, String name, OsInfo os, boolean tokenRevoked, Instant registeredAt) {
    public VirtualMachine {
        Checks.id("id", id);
        Checks.id("name", name);
        Checks.notNull("os", os);
        Checks.notNull("registeredAt", registeredAt);
    }
}
