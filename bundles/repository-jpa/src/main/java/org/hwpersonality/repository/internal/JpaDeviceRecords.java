package org.hwpersonality.repository.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.persistence.EntityManager;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.backend.DeviceDescriptor;
import org.hwpersonality.api.backend.RegionDescriptor;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.store.DeviceRecords;
import org.hwpersonality.repository.internal.entity.DeviceEntity;
import org.hwpersonality.repository.internal.entity.RegionEntity;
import org.hwpersonality.repository.internal.entity.RegionKey;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Devices and regions in the HWP database. */
@Component(service = DeviceRecords.class)
public class JpaDeviceRecords implements DeviceRecords {
    private final Database database;

    @Activate
    public JpaDeviceRecords(@Reference Database database) {
        this.database = database;
    }

    @Override
    public java.util.Map<String, Long> regionVersions(String node) {
        return database.jdbcRead(c -> {
            java.util.Map<String, Long> versions = new java.util.HashMap<>();
            try (java.sql.PreparedStatement s = c.prepareStatement("SELECT R.DEVICE_ID, R.REGION_ID, R.ROW_VERSION"
                    + " FROM HWP_REGION R JOIN HWP_DEVICE D ON D.ID = R.DEVICE_ID WHERE D.NODE_ID = ?")) {
                s.setString(1, node);
                try (java.sql.ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        versions.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3));
                    }
                }
            }
            return versions;
        });
    }

    @Override
    public Device report(
            String node,
            String backend,
            String vendor,
            DeviceDescriptor d,
            java.util.Map<String, Long> versionsBefore) {
        // The programming state machine writes regions meanwhile (by JDBC, with their row versions): a report that
        // lost that race is read and written again.
        for (int attempt = 1; ; attempt++) {
            try {
                return reportOnce(node, backend, vendor, d, versionsBefore);
            } catch (javax.persistence.PersistenceException e) {
                if (attempt >= 5 || !optimisticLock(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean optimisticLock(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals("OptimisticLockException")) { // JPA's, or EclipseLink's own
                return true;
            }
        }
        return false;
    }

    private Device reportOnce(
            String node,
            String backend,
            String vendor,
            DeviceDescriptor d,
            java.util.Map<String, Long> versionsBefore) {
        return database.inTransaction(em -> {
            DeviceEntity existing = em.createQuery(
                            "SELECT d FROM DeviceEntity d WHERE d.nodeId = :node AND d.localId = :local",
                            DeviceEntity.class)
                    .setParameter("node", node)
                    .setParameter("local", d.id())
                    .getResultStream()
                    .findFirst()
                    .orElse(null);
            String id = existing != null ? existing.id() : Device.qualifiedId(node, d.id());
            // Reported by its back end: back from OFFLINE; an operator's DRAINING stays.
            DeviceState state = existing != null && existing.state() == DeviceState.DRAINING
                    ? DeviceState.DRAINING
                    : DeviceState.ONLINE;
            Map<String, Region> regions = new LinkedHashMap<>();
            for (RegionDescriptor r : d.regions()) {
                RegionEntity stored = em.find(RegionEntity.class, new RegionKey(id, r.id()));
                RegionState regionState =
                        stored == null ? RegionState.FREE : stored.toDomain().state();
                Optional<String> personality =
                        stored == null ? Optional.empty() : stored.toDomain().loadedPersonalityId();
                Optional<Sha256> image = r.loadedImage();
                Long before = versionsBefore.get(id + "/" + r.id());
                if (stored != null && (midStep(regionState) || (before != null && before != stored.rowVersion()))) {
                    // Being reserved, programmed or cleared, or changed since the back end was asked: its content is
                    // the programming state machine's to record (its steps compare and set it); the report may be
                    // older than what is recorded.
                    image = stored.toDomain().loadedImage();
                } else if (r.loadedImage().isEmpty()
                        || (stored != null && !stored.toDomain().loadedImage().equals(r.loadedImage()))) {
                    personality = Optional.empty();
                }
                regions.put(
                        r.id(),
                        new Region(
                                r.id(),
                                r.kind(),
                                r.capacity(),
                                regionState,
                                personality,
                                image,
                                r.guestFunction(),
                                // Whatever the back end reports, a tenant's data may still be on the card.
                                stored == null
                                        ? Optional.empty()
                                        : stored.toDomain().tenant()));
            }
            Device device = new Device(
                    id,
                    vendor,
                    d.model(),
                    d.family(),
                    d.interfaceId(),
                    backend,
                    state,
                    d.health(),
                    new ArrayList<>(regions.values()),
                    node,
                    d.id());
            if (existing == null) {
                em.persist(new DeviceEntity(device));
            } else {
                existing.update(device);
            }
            for (Region r : device.regions()) {
                RegionEntity stored = em.find(RegionEntity.class, new RegionKey(id, r.id()));
                if (stored == null) {
                    em.persist(new RegionEntity(id, r));
                } else {
                    stored.update(r);
                }
            }
            return device;
        });
    }

    @Override
    public int markOffline(String node, String backend, java.util.Set<String> present) {
        return database.inTransaction(em -> {
            List<DeviceEntity> gone = em.createQuery(
                            "SELECT d FROM DeviceEntity d WHERE d.nodeId = :node AND d.backend = :backend"
                                    + " AND d.state <> :offline",
                            DeviceEntity.class)
                    .setParameter("node", node)
                    .setParameter("backend", backend)
                    .setParameter("offline", DeviceState.OFFLINE)
                    .getResultList();
            List<DeviceEntity> changed =
                    gone.stream().filter(e -> !present.contains(e.localId())).toList();
            changed.forEach(e -> e.update(toDomain(em, e).withState(DeviceState.OFFLINE)));
            return changed.size();
        });
    }

    @Override
    public Device setState(String deviceId, DeviceState state) {
        return setState(deviceId, Optional.empty(), state);
    }

    @Override
    public Device setState(String deviceId, DeviceState expected, DeviceState state) {
        return setState(deviceId, Optional.of(expected), state);
    }

    /** The device's version column makes the compare and set hold against a concurrent change. */
    private Device setState(String deviceId, Optional<DeviceState> expected, DeviceState state) {
        return database.inTransaction(em -> {
            DeviceEntity e = em.find(DeviceEntity.class, deviceId);
            if (e == null) {
                throw HwpException.notFound("device", deviceId);
            }
            Device before = toDomain(em, e);
            if (expected.isPresent() && before.state() != expected.get()) {
                throw HwpException.conflict("device " + deviceId + " is " + before.state() + ", not " + expected.get());
            }
            Device changed = before.withState(state);
            e.update(changed);
            if (before.state() != state) {
                Audit.write(
                        em,
                        HwpEvent.topic("device", state.name()),
                        deviceId,
                        JpaProfileRepository.ACTOR,
                        Map.of("was", before.state().name()));
            }
            return changed;
        });
    }

    private static boolean midStep(RegionState state) {
        return state == RegionState.RESERVED || state == RegionState.PROGRAMMING || state == RegionState.CLEARING;
    }

    @Override
    public Region changeRegion(String deviceId, Region expected, Region next) {
        if (!expected.id().equals(next.id())) {
            throw new IllegalArgumentException("a region keeps its ID");
        }
        return database.inTransaction(em -> {
            RegionEntity stored = em.find(RegionEntity.class, new RegionKey(deviceId, expected.id()));
            if (stored == null) {
                throw HwpException.notFound("region", deviceId + "/" + expected.id());
            }
            if (!stored.toDomain().equals(expected)) {
                throw HwpException.conflict("region " + deviceId + "/" + expected.id() + " changed meanwhile: it is "
                        + stored.toDomain().state() + " now");
            }
            stored.update(next);
            return next;
        });
    }

    @Override
    public Optional<Device> device(String deviceId) {
        return database.read(
                em -> Optional.ofNullable(em.find(DeviceEntity.class, deviceId)).map(e -> toDomain(em, e)));
    }

    /** Two queries whatever the size of the fleet: the devices, then every region in device order. */
    @Override
    public List<Device> devices() {
        return database.read(em -> {
            Map<String, List<Region>> regions = new java.util.HashMap<>();
            em.createQuery("SELECT r FROM RegionEntity r ORDER BY r.deviceId, r.regionId", RegionEntity.class)
                    .getResultList()
                    .forEach(r -> regions.computeIfAbsent(r.deviceId(), k -> new ArrayList<>())
                            .add(r.toDomain()));
            return em
                    .createQuery("SELECT d FROM DeviceEntity d ORDER BY d.id", DeviceEntity.class)
                    .getResultList()
                    .stream()
                    .filter(d -> regions.containsKey(d.id()))
                    .map(d -> d.toDomain(regions.get(d.id())))
                    .toList();
        });
    }

    private static Device toDomain(EntityManager em, DeviceEntity e) {
        List<Region> regions = em
                .createQuery(
                        "SELECT r FROM RegionEntity r WHERE r.deviceId = :id ORDER BY r.regionId", RegionEntity.class)
                .setParameter("id", e.id())
                .getResultList()
                .stream()
                .map(RegionEntity::toDomain)
                .toList();
        return e.toDomain(regions);
    }
}
