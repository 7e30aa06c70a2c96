package org.hwpersonality.repository.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.OsInfo;
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

    /**
     * One row by its key, over JDBC: every request, release and re-personalization reads its VM, and through the
     * persistence unit that read cost several times what the database spends on it.
     */
    @Override
    public Optional<VirtualMachine> find(String vmId) {
        return one("SELECT " + COLUMNS + " FROM HWP_VM WHERE ID = ?", vmId);
    }

    /**
     * Decided by the database alone: the revoked flag is in the query, so a row revoked by another node is not
     * returned, and no cache is read.
     */
    @Override
    public Optional<VirtualMachine> findByToken(Sha256 tokenHash) {
        return one(
                "SELECT " + COLUMNS + " FROM HWP_VM WHERE TOKEN_HASH = ? AND TOKEN_REVOKED = FALSE", tokenHash.hex());
    }

    private static final String COLUMNS =
            "ID, NAME, OS_FAMILY, OS_KERNEL, TOKEN_REVOKED, REGISTERED_AT, HOST_NODE, DOMAIN_NAME, TENANT";

    /** The VM {@code sql} selects by its one parameter, as {@link VmEntity#toDomain()} maps it. */
    private Optional<VirtualMachine> one(String sql, String parameter) {
        return database.jdbcRead(c -> {
            PreparedStatement s = Statements.prepare(c, sql);
            s.setString(1, parameter);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new VirtualMachine(
                        rs.getString(1),
                        rs.getString(2),
                        OsInfo.of(rs.getString(3), rs.getString(4)),
                        rs.getBoolean(5),
                        rs.getTimestamp(6).toInstant(),
                        VmLocation.of(rs.getString(7), rs.getString(8)),
                        rs.getString(9)));
            }
        });
    }

    @Override
    public List<VirtualMachine> list() {
        return database.read(
                em -> em.createQuery("SELECT v FROM VmEntity v ORDER BY v.id", VmEntity.class).getResultList().stream()
                        .map(VmEntity::toDomain)
                        .toList());
    }
}
