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

    /** Every tenant, by ID. */
    List<Tenant> list();
}
