package org.hwpersonality.api.tenant;

import java.time.Instant;
import org.hwpersonality.api.internal.Checks;

/**
 * An owner of VMs (a customer, a team): every VM belongs to one. The installation starts with {@value #DEFAULT}, which
 * VMs registered without a tenant belong to, so that single-owner use needs no tenants at all.
 *
 * @param id a lower-case name ({@code [a-z][a-z0-9-]{0,63}}), unique in the installation
 * @param description for operators (may be empty)
 */
public record Tenant(String id, String description, Instant createdAt) {
    public static final String DEFAULT = "default";

    public Tenant {
        Checks.name("id", id);
        Checks.optionalText("description", description, 255);
        Checks.notNull("createdAt", createdAt);
    }
}
