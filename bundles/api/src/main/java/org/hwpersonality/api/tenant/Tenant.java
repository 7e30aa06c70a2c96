package org.hwpersonality.api.tenant;

import java.time.Instant;
import java.util.Optional;
import org.hwpersonality.api.internal.Checks;

/**
 * An owner of VMs (a customer, a team): every VM belongs to one. The installation starts with {@value #DEFAULT}, which
 * VMs registered without a tenant belong to, so that single-owner use needs no tenants at all.
 *
 * @param id a lower-case name ({@code [a-z][a-z0-9-]{0,63}}), unique in the installation
 * @param description for operators (may be empty)
 * @param maxAllocations the most allocations its VMs may hold at once (a region each), if limited
 */
public record Tenant(String id, String description, Instant createdAt, Optional<Integer> maxAllocations) {
    public static final String DEFAULT = "default";

    /** The largest quota that can be set. */
    public static final int MAX_QUOTA = 1_000_000;

    public Tenant {
        Checks.name("id", id);
        Checks.optionalText("description", description, 255);
        Checks.notNull("createdAt", createdAt);
        Checks.notNull("maxAllocations", maxAllocations).ifPresent(Tenant::checkQuota);
    }

    /** A tenant without a quota. */
    public Tenant(String id, String description, Instant createdAt) {
        this(id, description, createdAt, Optional.empty());
    }

    /** This tenant with another quota (empty: none). */
    public Tenant withQuota(Optional<Integer> max) {
        return new Tenant(id, description, createdAt, max);
    }

    private static void checkQuota(int max) {
        if (max < 0 || max > MAX_QUOTA) {
            throw new org.hwpersonality.api.ValidationException(
                    "maxAllocations", "must be between 0 and " + MAX_QUOTA + ", or null for no limit");
        }
    }
}
