package org.hwpersonality.repository.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.store.TenantRecords;
import org.hwpersonality.api.tenant.Tenant;
import org.hwpersonality.repository.internal.entity.TenantEntity;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Tenants in HWP_TENANT, each addition with its audit row. */
@Component(service = TenantRecords.class)
public class JpaTenantRecords implements TenantRecords {
    private final Database database;

    @Activate
    public JpaTenantRecords(@Reference Database database) {
        this.database = database;
    }

    @Override
    public Tenant add(Tenant tenant, String actor) {
        return database.inTransaction(em -> {
            if (em.find(TenantEntity.class, tenant.id()) != null) {
                throw HwpException.conflict("tenant " + tenant.id() + " exists already");
            }
            em.persist(new TenantEntity(tenant));
            Audit.write(
                    em,
                    HwpEvent.topic("tenant", "ADDED"),
                    tenant.id(),
                    actor,
                    Map.of(
                            "description",
                            tenant.description(),
                            "maxAllocations",
                            tenant.maxAllocations().map(String::valueOf).orElse("none")));
            return tenant;
        });
    }

    @Override
    public Tenant setQuota(String id, Optional<Integer> maxAllocations, String actor) {
        return database.inTransaction(em -> {
            TenantEntity t = em.find(TenantEntity.class, id);
            if (t == null) {
                throw HwpException.notFound("tenant", id);
            }
            Tenant next = t.toDomain().withQuota(maxAllocations); // checks the value
            t.setQuota(maxAllocations);
            Audit.write(
                    em,
                    HwpEvent.topic("tenant", "QUOTA"),
                    id,
                    actor,
                    Map.of("maxAllocations", maxAllocations.map(String::valueOf).orElse("none")));
            return next;
        });
    }

    @Override
    public Optional<Tenant> find(String id) {
        return database.read(
                em -> Optional.ofNullable(em.find(TenantEntity.class, id)).map(TenantEntity::toDomain));
    }

    @Override
    public List<Tenant> list() {
        return database.read(em ->
                em
                        .createQuery("SELECT t FROM TenantEntity t ORDER BY t.id", TenantEntity.class)
                        .getResultList()
                        .stream()
                        .map(TenantEntity::toDomain)
                        .toList());
    }
}
