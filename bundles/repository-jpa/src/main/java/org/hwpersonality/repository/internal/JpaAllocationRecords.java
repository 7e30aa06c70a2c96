package org.hwpersonality.repository.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.persistence.EntityManager;
import javax.persistence.LockModeType;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.store.AllocationRecords;
import org.hwpersonality.repository.internal.entity.AllocationEntity;
import org.hwpersonality.repository.internal.entity.DeviceEntity;
import org.hwpersonality.repository.internal.entity.RegionEntity;
import org.hwpersonality.repository.internal.entity.RegionKey;
import org.hwpersonality.repository.internal.entity.VmEntity;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Allocations in HWP_ALLOCATION. Three guards keep a region to one holder, on one node or many: the region row's
 * version (compare and set), the unique HELD_REGION column, and the VM row's version, which a reservation
 * increments so that one VM's concurrent requests cannot both succeed.
 */
@Component(service = AllocationRecords.class)
public class JpaAllocationRecords implements AllocationRecords {
    /** The most allocations one listing returns. */
    static final int MAX_LIMIT = 10_000;

    private final Database database;

    @Activate
    public JpaAllocationRecords(@Reference Database database) {
        this.database = database;
    }

    @Override
    public Allocation reserve(
            Allocation allocation, Region expected, Optional<Allocation> releasedInPlace, String actor) {
        if (allocation.state() != AllocationState.RESERVED && allocation.state() != AllocationState.ACTIVE) {
            throw new IllegalArgumentException("a new allocation is RESERVED, or ACTIVE on a region holding its image");
        }
        return database.inTransaction(em -> {
            VmEntity vm = em.find(VmEntity.class, allocation.vmId());
            if (vm == null) {
                throw HwpException.notFound("VM", allocation.vmId());
            }
            em.lock(vm, LockModeType.OPTIMISTIC_FORCE_INCREMENT);
            List<String> held = new ArrayList<>(em.createQuery(
                            "SELECT a.id FROM AllocationEntity a WHERE a.vmId = :vm AND a.heldRegion IS NOT NULL",
                            String.class)
                    .setParameter("vm", allocation.vmId())
                    .getResultList());
            allocation.previousAllocationId().ifPresent(held::remove);
            if (!held.isEmpty()) {
                throw HwpException.conflict("VM " + allocation.vmId() + " holds allocation " + held.get(0)
                        + " already: release it, or ask for a re-personalization");
            }
            DeviceEntity device = em.find(DeviceEntity.class, allocation.deviceId());
            if (device == null) {
                throw HwpException.notFound("device", allocation.deviceId());
            }
            if (!device.acceptsAllocations()) {
                throw HwpException.conflict("device " + allocation.deviceId() + " no longer takes allocations");
            }
            RegionEntity region = region(em, allocation.deviceId(), expected);
            if (releasedInPlace.isPresent()) {
                Allocation old = releasedInPlace.get();
                if (!old.regionKey().equals(allocation.regionKey())) {
                    throw new IllegalArgumentException("a re-personalization in place keeps the region");
                }
                Allocation released = old.moveTo(AllocationState.RELEASED, allocation.createdAt());
                change(em, old, released, actor);
                em.flush(); // frees HELD_REGION before the new allocation takes it
            }
            region.update(
                    allocation.state() == AllocationState.ACTIVE
                            ? new Region(
                                    expected.id(),
                                    expected.kind(),
                                    expected.capacity(),
                                    RegionState.ACTIVE,
                                    Optional.of(allocation.personalityId()),
                                    expected.loadedImage())
                            : withState(expected, RegionState.RESERVED));
            em.persist(new AllocationEntity(allocation));
            audit(em, allocation, actor);
            return allocation;
        });
    }

    @Override
    public Allocation update(Allocation current, Allocation next, Optional<RegionChange> change, String actor) {
        if (!current.id().equals(next.id())) {
            throw new IllegalArgumentException("an allocation keeps its ID");
        }
        return database.inTransaction(em -> {
            change(em, current, next, actor);
            change.ifPresent(c -> region(em, next.deviceId(), c.expected()).update(c.next()));
            return next;
        });
    }

    private static void change(EntityManager em, Allocation current, Allocation next, String actor) {
        AllocationEntity stored = em.find(AllocationEntity.class, current.id());
        if (stored == null) {
            throw HwpException.notFound("allocation", current.id());
        }
        Allocation now = stored.toDomain();
        if (now.state() != current.state()) {
            throw HwpException.conflict(
                    "allocation " + current.id() + " is " + now.state() + " now, not " + current.state());
        }
        stored.update(next);
        if (next.state() != current.state()) {
            audit(em, next, actor);
        }
    }

    /** The region row, if it is still as {@code expected}. */
    private static RegionEntity region(EntityManager em, String deviceId, Region expected) {
        RegionEntity stored = em.find(RegionEntity.class, new RegionKey(deviceId, expected.id()));
        if (stored == null) {
            throw HwpException.notFound("region", deviceId + "/" + expected.id());
        }
        if (!stored.toDomain().equals(expected)) {
            throw HwpException.conflict("region " + deviceId + "/" + expected.id() + " changed meanwhile: it is "
                    + stored.toDomain().state() + " now");
        }
        return stored;
    }

    private static Region withState(Region r, RegionState state) {
        return new Region(r.id(), r.kind(), r.capacity(), state, r.loadedPersonalityId(), r.loadedImage());
    }

    private static void audit(EntityManager em, Allocation a, String actor) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("vmId", a.vmId());
        details.put("personalityId", a.personalityId());
        details.put("region", a.regionKey());
        details.put("workload", a.request().workload());
        a.previousAllocationId().ifPresent(p -> details.put("previousAllocationId", p));
        Audit.write(em, HwpEvent.topic("allocation", a.state().name()), a.id(), actor, details);
    }

    @Override
    public Optional<Allocation> find(String allocationId) {
        return database.read(em -> Optional.ofNullable(em.find(AllocationEntity.class, allocationId))
                .map(AllocationEntity::toDomain));
    }

    @Override
    public List<Allocation> list(int limit) {
        int n = Math.max(1, Math.min(MAX_LIMIT, limit));
        return database.read(em -> em
                .createQuery("SELECT a FROM AllocationEntity a ORDER BY a.createdAt DESC, a.id", AllocationEntity.class)
                .setMaxResults(n)
                .getResultList()
                .stream()
                .map(AllocationEntity::toDomain)
                .toList());
    }

    @Override
    public List<Allocation> ofVm(String vmId) {
        return database.read(em -> em
                .createQuery(
                        "SELECT a FROM AllocationEntity a WHERE a.vmId = :vm ORDER BY a.createdAt DESC, a.id",
                        AllocationEntity.class)
                .setParameter("vm", vmId)
                .getResultList()
                .stream()
                .map(AllocationEntity::toDomain)
                .toList());
    }

    @Override
    public List<Allocation> inFlight() {
        return database.read(em -> em
                .createQuery(
                        "SELECT a FROM AllocationEntity a WHERE a.state IN :states ORDER BY a.updatedAt, a.id",
                        AllocationEntity.class)
                .setParameter(
                        "states",
                        List.of(AllocationState.RESERVED, AllocationState.PROGRAMMING, AllocationState.RELEASING))
                .getResultList()
                .stream()
                .map(AllocationEntity::toDomain)
                .toList());
    }
}
