package org.hwpersonality.repository.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.persistence.CacheRetrieveMode;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.store.VmRecords;
import org.hwpersonality.api.vm.VirtualMachine;
import org.hwpersonality.api.vm.VmLocation;
import org.hwpersonality.repository.internal.entity.VmEntity;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Registered VMs in HWP_VM; a token is found by its SHA-256 (a unique column), never stored itself. */
@Component(service = VmRecords.class)
public class JpaVmRecords implements VmRecords {
    private final Database database;

    @Activate
    public JpaVmRecords(@Reference Database database) {
        this.database = database;
    }

    @Override
    public VirtualMachine register(VirtualMachine vm, Sha256 tokenHash, String actor) {
        return database.inTransaction(em -> {
            if (em.find(VmEntity.class, vm.id()) != null) {
                throw org.hwpersonality.api.HwpException.conflict("VM " + vm.id() + " exists already");
            }
            em.persist(new VmEntity(vm, tokenHash.hex()));
            Audit.write(
                    em,
                    HwpEvent.topic("vm", "REGISTERED"),
                    vm.id(),
                    actor,
                    where(Map.of("name", vm.name(), "os", vm.os().family(), "tenant", vm.tenant()), vm.location()));
            return vm;
        });
    }

    @Override
    public VirtualMachine revokeToken(String vmId, String actor) {
        return database.inTransaction(em -> {
            VmEntity vm = em.find(VmEntity.class, vmId);
            if (vm == null) {
                throw org.hwpersonality.api.HwpException.notFound("VM", vmId);
            }
            if (!vm.toDomain().tokenRevoked()) {
                vm.revokeToken();
                Audit.write(em, HwpEvent.topic("vm", "TOKEN_REVOKED"), vmId, actor, Map.of());
            }
            return vm.toDomain();
        });
    }

    @Override
    public VirtualMachine move(String vmId, VmLocation where, String actor) {
        return database.inTransaction(em -> {
            VmEntity vm = em.find(VmEntity.class, vmId);
            if (vm == null) {
                throw org.hwpersonality.api.HwpException.notFound("VM", vmId);
            }
            VmLocation before = vm.toDomain().location();
            if (!before.equals(where)) {
                vm.moveTo(where);
                Map<String, String> details = new java.util.LinkedHashMap<>();
                details.put("fromHost", before.host().orElse(""));
                details.put("fromDomain", before.domain().orElse(""));
                Audit.write(em, HwpEvent.topic("vm", "MOVED"), vmId, actor, where(details, where));
            }
            return vm.toDomain();
        });
    }

    /** Event details with the VM's host and domain, when it has them. */
    private static Map<String, String> where(Map<String, String> details, VmLocation location) {
        Map<String, String> all = new java.util.LinkedHashMap<>(details);
        location.host().ifPresent(h -> all.put("host", h));
        location.domain().ifPresent(d -> all.put("domain", d));
        return all;
    }

    @Override
    public Optional<VirtualMachine> find(String vmId) {
        return database.read(
                em -> Optional.ofNullable(em.find(VmEntity.class, vmId)).map(VmEntity::toDomain));
    }

    /**
     * Decided by the database alone, whatever cache the persistence unit is given: the revoked flag is in the query (a
     * row revoked by another node is not returned, even if a stale copy were cached) and no shared cache is read.
     */
    @Override
    public Optional<VirtualMachine> findByToken(Sha256 tokenHash) {
        return database.read(em -> em
                .createQuery(
                        "SELECT v FROM VmEntity v WHERE v.tokenHash = :hash AND v.tokenRevoked = :revoked",
                        VmEntity.class)
                .setParameter("hash", tokenHash.hex())
                .setParameter("revoked", false)
                .setHint("javax.persistence.cache.retrieveMode", CacheRetrieveMode.BYPASS)
                .getResultList()
                .stream()
                .map(VmEntity::toDomain)
                .filter(vm -> !vm.tokenRevoked())
                .findFirst());
    }

    @Override
    public List<VirtualMachine> list() {
        return database.read(
                em -> em.createQuery("SELECT v FROM VmEntity v ORDER BY v.id", VmEntity.class).getResultList().stream()
                        .map(VmEntity::toDomain)
                        .toList());
    }
}
