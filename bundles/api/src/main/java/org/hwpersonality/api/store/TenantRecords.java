package org.hwpersonality.api.store;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.tenant.Tenant;
import org.osgi.annotation.versioning.ProviderType;

/** The installation's tenants (HWP_TENANT), {@value Tenant#DEFAULT} among them from the start. */
@ProviderType
public interface TenantRecords {
    /** Stores a new tenant with an audit row; CONFLICT if its ID exists. */
    Tenant add(Tenant tenant, String actor);

    Optional<Tenant> find(String id);

    /**
     * Sets or lifts (empty) the tenant's quota, with an audit row; NOT_FOUND if there is no such tenant. Allocations
     * its VMs hold beyond a lowered quota stay; new ones are refused until they are under it.
     */
    Tenant setQuota(String id, Optional<Integer> maxAllocations, String actor);

    /** Every tenant, by ID. */
    List<Tenant> list();
}
