package org.hwpersonality.repository.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.KernelVersion;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.store.AllocationRecords;
import org.hwpersonality.api.store.ProgrammingTask;
import org.hwpersonality.api.store.Signals;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Allocations in HWP_ALLOCATION, written with plain JDBC: the allocation path is the hottest in HWP, and each of
 * its steps is a handful of known statements in one transaction. Three guards keep a region to one holder, on one
 * node or many: the region row is moved only from the state the caller saw (compare and set), the unique
 * HELD_REGION column, and the VM row, which a reservation updates first so that one VM's concurrent requests queue
 * behind each other. Every ROW_VERSION written here moves, so the JPA writers of the same rows see the change.
 */
@Component(service = AllocationRecords.class)
public class SqlAllocationRecords implements AllocationRecords {
    /** The most allocations one listing returns. */
    static final int MAX_LIMIT = 10_000;

    static final String COLUMNS = "ID, VM_ID, WORKLOAD, OS_FAMILY, OS_KERNEL, MIN_THROUGHPUT_GOPS,"
            + " MAX_LATENCY_US, MAX_POWER_WATTS, MIN_MEMORY_MB, PERSONALITY_ID, DEVICE_ID, REGION_ID, STATE,"
            + " DRIVER_PACKAGE_ID, PREVIOUS_ALLOCATION_ID, CREATED_AT, UPDATED_AT, SLOT";
    /** How many columns {@link #COLUMNS} names. */
    static final int COLUMN_COUNT = COLUMNS.split(",").length;
    /**
     * A VM's rows through its index, always. Derby compiles a statement once, with the statistics of the moment: a
     * plan made while the table was small scans the whole table, and under load each scan waits for the row locks
     * of every concurrent reservation. The hints are comments to every other database.
     */
    private static final String BY_VM = " --DERBY-PROPERTIES index=HWP_ALLOCATION_VM\n ";

    private final Database database;
    private final DatabaseSignals signals;

    @Activate
    public SqlAllocationRecords(@Reference Database database, @Reference DatabaseSignals signals) {
        this.database = database;
        this.signals = signals;
    }

    @Override
    public Allocation reserve(
            Allocation allocation,
            Region expected,
            Optional<String> tenantAfter,
            Optional<Allocation> releasedInPlace,
            int maxHeldByVm,
            Map<String, String> match,
            String actor) {
        if (allocation.state() != AllocationState.RESERVED
                && allocation.state() != AllocationState.ACTIVE
                && allocation.state() != AllocationState.ATTACHING) {
            throw new IllegalArgumentException(
                    "a new allocation is RESERVED, or ACTIVE (ATTACHING) on a region holding its image");
        }
        if (releasedInPlace.isPresent() && !releasedInPlace.get().regionKey().equals(allocation.regionKey())) {
            throw new IllegalArgumentException("a re-personalization in place keeps the region");
        }
        return database.inJdbcTransaction(c -> {
            if (execute(c, "UPDATE HWP_VM SET ROW_VERSION = ROW_VERSION + 1 WHERE ID = ?", allocation.vmId()) == 0) {
                throw HwpException.notFound("VM", allocation.vmId());
            }
            // What the VM holds, by allocation ID: its slot (the allocation this one replaces left out).
            java.util.Map<String, String> held = new java.util.LinkedHashMap<>();
            {
                PreparedStatement s = Statements.prepare(
                        c,
                        "SELECT ID, SLOT FROM HWP_ALLOCATION --DERBY-PROPERTIES index=HWP_ALLOCATION_HELD_VM\n"
                                + " WHERE HELD_VM = ?");
                s.setString(1, allocation.vmId());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        held.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            allocation.previousAllocationId().ifPresent(held::remove);
            String slot = allocation.request().slot();
            for (java.util.Map.Entry<String, String> h : held.entrySet()) {
                if (h.getValue().equals(slot)) {
                    throw HwpException.conflict("VM " + allocation.vmId() + " holds allocation " + h.getKey()
                            + " in slot " + slot + " already: release it, ask for a re-personalization, or name"
                            + " another slot");
                }
            }
            if (held.size() >= maxHeldByVm) {
                throw HwpException.conflict("VM " + allocation.vmId() + " holds " + held.size() + " allocations ("
                        + String.join(", ", held.keySet()) + "), the most one VM may hold (maxAllocationsPerVm)");
            }
            checkTenantQuota(c, allocation);
            if (releasedInPlace.isPresent()) {
                Allocation old = releasedInPlace.get();
                change(c, old, old.moveTo(AllocationState.RELEASED, allocation.createdAt()), actor);
            }
            boolean reused =
                    allocation.state() == AllocationState.ACTIVE || allocation.state() == AllocationState.ATTACHING;
            moveRegion(
                    c,
                    allocation.deviceId(),
                    true,
                    expected,
                    reused
                            ? expected.with(
                                            RegionState.ACTIVE,
                                            Optional.of(allocation.personalityId()),
                                            expected.loadedImage())
                                    .withTenant(tenantAfter.or(expected::tenant))
                            : withState(expected, RegionState.RESERVED));
            insert(c, allocation);
            audit(c, allocation, match, actor);
            return allocation;
        });
    }

    /**
     * Refuses the allocation with TENANT_QUOTA when the VM's tenant has a quota and its VMs hold that many allocations
     * already (the one a re-personalization replaces left out). A tenant without a quota costs one read; with one, its
     * row is locked first, so that concurrent reservations of its VMs are counted one after the other.
     */
    private static void checkTenantQuota(Connection c, Allocation allocation) throws SQLException {
        String tenant;
        {
            PreparedStatement s = Statements.prepare(
                    c,
                    "SELECT t.ID FROM HWP_VM v JOIN HWP_TENANT t ON t.ID = v.TENANT"
                            + " WHERE v.ID = ? AND t.MAX_ALLOCATIONS IS NOT NULL");
            s.setString(1, allocation.vmId());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return; // no quota
                }
                tenant = rs.getString(1);
            }
        }
        execute(c, "UPDATE HWP_TENANT SET ROW_VERSION = ROW_VERSION + 1 WHERE ID = ?", tenant);
        int max;
        {
            PreparedStatement s = Statements.prepare(c, "SELECT MAX_ALLOCATIONS FROM HWP_TENANT WHERE ID = ?");
            s.setString(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                max = rs.getInt(1);
                if (rs.wasNull()) {
                    return; // lifted meanwhile
                }
            }
        }
        int holding = 0;
        {
            PreparedStatement s = Statements.prepare(
                    c, "SELECT a.ID FROM HWP_VM v JOIN HWP_ALLOCATION a ON a.HELD_VM = v.ID WHERE v.TENANT = ?");
            s.setString(1, tenant);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (!allocation.previousAllocationId().equals(Optional.of(rs.getString(1)))) {
                        holding++;
                    }
                }
            }
        }
        if (holding >= max) {
            throw new HwpException(
                    ErrorCode.TENANT_QUOTA,
                    "tenant " + tenant + " holds " + holding + " allocation(s), its quota of " + max
                            + " (tenant:quota): one of its VMs must release one first");
        }
    }

    @Override
    public Allocation update(Allocation current, Allocation next, Optional<RegionChange> change, String actor) {
        if (!current.id().equals(next.id())) {
            throw new IllegalArgumentException("an allocation keeps its ID");
        }
        return database.inJdbcTransaction(c -> {
            change(c, current, next, actor);
            if (change.isPresent()) {
                moveRegion(
                        c,
                        next.deviceId(),
                        false,
                        change.get().expected(),
                        change.get().next());
            }
            return next;
        });
    }

    @Override
    public ProgrammingTask dispatch(
            Allocation reserved, Allocation programming, RegionChange region, String node, String actor) {
        if (programming.state() != AllocationState.PROGRAMMING && programming.state() != AllocationState.RELEASING) {
            throw new IllegalArgumentException(
                    "a task is dispatched for an allocation that is PROGRAMMING or RELEASING");
        }
        Instant now = Instant.now();
        ProgrammingTask task = new ProgrammingTask(
                (programming.state() == AllocationState.RELEASING ? "release-" : "task-") + programming.id(),
                node,
                programming.id(),
                programming.deviceId(),
                programming.regionId(),
                ProgrammingTask.State.QUEUED,
                Optional.empty(),
                now,
                Optional.empty(),
                Optional.empty());
        database.inJdbcTransaction(c -> {
            change(c, reserved, programming, actor);
            if (!region.expected().equals(region.next())) {
                moveRegion(c, programming.deviceId(), false, region.expected(), region.next());
            }
            SqlTaskRecords.insert(c, task, now);
            signals.send(c, Signals.TASK_QUEUED, node);
            return task;
        });
        signals.committed(Signals.TASK_QUEUED, node);
        return task;
    }

    @Override
    public Allocation finishTask(
            String taskId,
            Allocation current,
            Allocation next,
            RegionChange region,
            boolean succeeded,
            String outcome,
            Optional<Double> durationMs,
            String actor) {
        if (!current.id().equals(next.id())) {
            throw new IllegalArgumentException("an allocation keeps its ID");
        }
        database.inJdbcTransaction(c -> {
            change(c, current, next, actor);
            moveRegion(c, next.deviceId(), false, region.expected(), region.next());
            SqlTaskRecords.finish(c, taskId, succeeded, outcome, durationMs);
            signals.send(c, Signals.ALLOCATION_CHANGED, next.id());
            return next;
        });
        signals.committed(Signals.ALLOCATION_CHANGED, next.id());
        return next;
    }

    private static void takesAllocations(Connection c, String deviceId) throws SQLException {
        {
            PreparedStatement s = Statements.prepare(c, "SELECT STATE, HEALTHY FROM HWP_DEVICE WHERE ID = ?");
            s.setString(1, deviceId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw HwpException.notFound("device", deviceId);
                }
                // As Device.acceptsAllocations().
                if (!DeviceState.ONLINE.name().equals(rs.getString(1)) || !rs.getBoolean(2)) {
                    throw HwpException.conflict("device " + deviceId + " no longer takes allocations");
                }
            }
        }
    }

    /** The allocation from {@code current}'s state to {@code next}; an audit row when the state changes. */
    private static void change(Connection c, Allocation current, Allocation next, String actor) throws SQLException {
        int n;
        {
            PreparedStatement s = Statements.prepare(
                    c,
                    "UPDATE HWP_ALLOCATION SET STATE = ?, DRIVER_PACKAGE_ID = ?,"
                            + " PREVIOUS_ALLOCATION_ID = ?, UPDATED_AT = ?, HELD_REGION = ?, HELD_VM = ?, ROW_VERSION = ROW_VERSION + 1"
                            + " WHERE ID = ? AND STATE = ?");
            s.setString(1, next.state().name());
            s.setString(2, next.driverPackageId().orElse(null));
            s.setString(3, next.previousAllocationId().orElse(null));
            s.setTimestamp(4, Timestamp.from(next.updatedAt()));
            s.setString(5, next.state().holdsRegion() ? next.regionKey() : null);
            s.setString(6, next.state().holdsRegion() ? next.vmId() : null);
            s.setString(7, current.id());
            s.setString(8, current.state().name());
            n = s.executeUpdate();
        }
        if (n == 0) {
            String now = stateOf(c, current.id()).orElseThrow(() -> HwpException.notFound("allocation", current.id()));
            throw HwpException.conflict("allocation " + current.id() + " is " + now + " now, not " + current.state());
        }
        if (next.state() != current.state()) {
            audit(c, next, actor);
        }
    }

    private static Optional<String> stateOf(Connection c, String allocationId) throws SQLException {
        {
            PreparedStatement s = Statements.prepare(c, "SELECT STATE FROM HWP_ALLOCATION WHERE ID = ?");
            s.setString(1, allocationId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /**
     * The region row from {@code expected} to {@code next}, if its state, content and tenant still are as expected (its
     * kind and capacity change only when its back end reports new hardware, through the device records) and, for
     * a new allocation, its device takes allocations (ONLINE and healthy, as {@code Device.acceptsAllocations()}).
     */
    private static void moveRegion(Connection c, String deviceId, boolean newAllocation, Region expected, Region next)
            throws SQLException {
        String sql = "UPDATE HWP_REGION SET STATE = ?, LOADED_PERSONALITY_ID = ?, LOADED_IMAGE = ?, TENANT = ?,"
                + " ROW_VERSION = ROW_VERSION + 1 WHERE DEVICE_ID = ? AND REGION_ID = ? AND STATE = ?"
                + (expected.loadedPersonalityId().isPresent()
                        ? " AND LOADED_PERSONALITY_ID = ?"
                        : " AND LOADED_PERSONALITY_ID IS NULL")
                + (expected.loadedImage().isPresent() ? " AND LOADED_IMAGE = ?" : " AND LOADED_IMAGE IS NULL")
                + (expected.tenant().isPresent() ? " AND TENANT = ?" : " AND TENANT IS NULL")
                + (newAllocation
                        ? " AND EXISTS (SELECT 1 FROM HWP_DEVICE D WHERE D.ID = HWP_REGION.DEVICE_ID"
                                + " AND D.STATE = 'ONLINE' AND D.HEALTHY = TRUE)"
                        : "");
        int n;
        {
            PreparedStatement s = Statements.prepare(c, sql);
            s.setString(1, next.state().name());
            s.setString(2, next.loadedPersonalityId().orElse(null));
            s.setString(3, next.loadedImage().map(Sha256::hex).orElse(null));
            s.setString(4, next.tenant().orElse(null));
            s.setString(5, deviceId);
            s.setString(6, expected.id());
            s.setString(7, expected.state().name());
            int i = 8;
            if (expected.loadedPersonalityId().isPresent()) {
                s.setString(i++, expected.loadedPersonalityId().get());
            }
            if (expected.loadedImage().isPresent()) {
                s.setString(i++, expected.loadedImage().get().hex());
            }
            if (expected.tenant().isPresent()) {
                s.setString(i, expected.tenant().get());
            }
            n = s.executeUpdate();
        }
        if (n == 0) {
            if (newAllocation) {
                takesAllocations(c, deviceId);
            }
            String region = deviceId + "/" + expected.id();
            {
                PreparedStatement s =
                        Statements.prepare(c, "SELECT STATE FROM HWP_REGION WHERE DEVICE_ID = ? AND REGION_ID = ?");
                s.setString(1, deviceId);
                s.setString(2, expected.id());
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw HwpException.notFound("region", region);
                    }
                    throw HwpException.conflict(
                            "region " + region + " changed meanwhile: it is " + rs.getString(1) + " now");
                }
            }
        }
    }

    static void insert(Connection c, Allocation a) throws SQLException {
        PersonalityRequest r = a.request();
        {
            PreparedStatement s = Statements.prepare(
                    c,
                    "INSERT INTO HWP_ALLOCATION (" + COLUMNS
                            + ", HELD_REGION, HELD_VM, ROW_VERSION) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)");
            s.setString(1, a.id());
            s.setString(2, a.vmId());
            s.setString(3, r.workload());
            s.setString(4, r.os().family());
            s.setString(5, r.os().kernel().map(KernelVersion::text).orElse(null));
            setDouble(s, 6, r.requirements().minThroughputGops());
            setDouble(s, 7, r.requirements().maxLatencyUs());
            setDouble(s, 8, r.requirements().maxPowerWatts());
            if (r.requirements().minMemoryMb().isPresent()) {
                s.setLong(9, r.requirements().minMemoryMb().get());
            } else {
                s.setNull(9, Types.BIGINT);
            }
            s.setString(10, a.personalityId());
            s.setString(11, a.deviceId());
            s.setString(12, a.regionId());
            s.setString(13, a.state().name());
            s.setString(14, a.driverPackageId().orElse(null));
            s.setString(15, a.previousAllocationId().orElse(null));
            s.setTimestamp(16, Timestamp.from(a.createdAt()));
            s.setTimestamp(17, Timestamp.from(a.updatedAt()));
            s.setString(18, r.slot());
            s.setString(19, a.state().holdsRegion() ? a.regionKey() : null);
            s.setString(20, a.state().holdsRegion() ? a.vmId() : null);
            s.executeUpdate();
        }
    }

    private static void setDouble(PreparedStatement s, int i, Optional<Double> v) throws SQLException {
        if (v.isPresent()) {
            s.setDouble(i, v.get());
        } else {
            s.setNull(i, Types.DOUBLE);
        }
    }

    private static Allocation read(ResultSet rs) throws SQLException {
        return read(rs, 1);
    }

    /** The allocation in {@link #COLUMNS}' order, from column {@code at} on. */
    static Allocation read(ResultSet rs, int at) throws SQLException {
        int i = at - 1;
        String vmId = rs.getString(i + 2);
        return new Allocation(
                rs.getString(i + 1),
                vmId,
                new PersonalityRequest(
                        vmId,
                        OsInfo.of(rs.getString(i + 4), rs.getString(i + 5)),
                        rs.getString(i + 3),
                        new Requirements(
                                optionalDouble(rs, i + 6),
                                optionalDouble(rs, i + 7),
                                optionalDouble(rs, i + 8),
                                optionalLong(rs, i + 9)),
                        rs.getString(i + 18)),
                rs.getString(i + 10),
                rs.getString(i + 11),
                rs.getString(i + 12),
                AllocationState.valueOf(rs.getString(i + 13)),
                Optional.ofNullable(rs.getString(i + 14)),
                Optional.ofNullable(rs.getString(i + 15)),
                instant(rs.getTimestamp(i + 16)),
                instant(rs.getTimestamp(i + 17)));
    }

    private static Optional<Double> optionalDouble(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    private static Optional<Long> optionalLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static int execute(Connection c, String sql, String parameter) throws SQLException {
        {
            PreparedStatement s = Statements.prepare(c, sql);
            s.setString(1, parameter);
            return s.executeUpdate();
        }
    }

    private static Region withState(Region r, RegionState state) {
        return r.with(state, r.loadedPersonalityId(), r.loadedImage());
    }

    private static void audit(Connection c, Allocation a, String actor) throws SQLException {
        audit(c, a, Map.of(), actor);
    }

    /** The audit event of an allocation's change; {@code match} (the first one's) adds why it was chosen. */
    private static void audit(Connection c, Allocation a, Map<String, String> match, String actor) throws SQLException {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("vmId", a.vmId());
        details.put("personalityId", a.personalityId());
        details.put("region", a.regionKey());
        details.put("workload", a.request().workload());
        a.previousAllocationId().ifPresent(p -> details.put("previousAllocationId", p));
        details.putAll(match);
        Audit.write(c, HwpEvent.topic("allocation", a.state().name()), a.id(), actor, details);
    }

    /** The rows {@code sql} (with one string parameter, or none) selects, at most {@code limit}. */
    private List<Allocation> query(String sql, Optional<String> parameter, int limit) {
        return database.jdbcRead(c -> {
            {
                PreparedStatement s = Statements.prepare(c, sql);
                if (parameter.isPresent()) {
                    s.setString(1, parameter.get());
                }
                s.setMaxRows(limit);
                List<Allocation> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public Optional<Allocation> find(String allocationId) {
        return query("SELECT " + COLUMNS + " FROM HWP_ALLOCATION WHERE ID = ?", Optional.of(allocationId), 1).stream()
                .findFirst();
    }

    @Override
    public List<Allocation> list(int limit) {
        return query(
                "SELECT " + COLUMNS + " FROM HWP_ALLOCATION ORDER BY CREATED_AT DESC, ID",
                Optional.empty(),
                Math.max(1, Math.min(MAX_LIMIT, limit)));
    }

    @Override
    public List<Allocation> ofVm(String vmId) {
        return query(
                "SELECT " + COLUMNS + " FROM HWP_ALLOCATION" + BY_VM + "WHERE VM_ID = ? ORDER BY CREATED_AT DESC, ID",
                Optional.of(vmId),
                Integer.MAX_VALUE);
    }

    @Override
    public List<Allocation> activeOn(String deviceId) {
        return query(
                "SELECT " + COLUMNS + " FROM HWP_ALLOCATION WHERE DEVICE_ID = ? AND STATE = 'ACTIVE'"
                        + " ORDER BY CREATED_AT, ID",
                Optional.of(deviceId),
                Integer.MAX_VALUE);
    }

    @Override
    public java.util.Map<AllocationState, Long> countHolding() {
        return database.jdbcRead(c -> {
            java.util.Map<AllocationState, Long> out = new java.util.EnumMap<>(AllocationState.class);
            // Through the index of held regions: the rows of released and failed allocations are never read.
            PreparedStatement s = Statements.prepare(
                    c,
                    "SELECT STATE, COUNT(*) FROM HWP_ALLOCATION --DERBY-PROPERTIES constraint=HWP_ALLOCATION_HELD\n"
                            + " WHERE HELD_REGION IS NOT NULL GROUP BY STATE");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(AllocationState.valueOf(rs.getString(1)), rs.getLong(2));
                }
            }
            return out;
        });
    }

    @Override
    public List<Allocation> inFlight() {
        return query(
                "SELECT " + COLUMNS + " FROM HWP_ALLOCATION --DERBY-PROPERTIES constraint=HWP_ALLOCATION_HELD\n"
                        + " WHERE HELD_REGION IS NOT NULL AND STATE IN ('RESERVED', 'PROGRAMMING', 'ATTACHING', 'RELEASING')"
                        + " ORDER BY UPDATED_AT, ID",
                Optional.empty(),
                Integer.MAX_VALUE);
    }
}
