package org.hwpersonality.repository.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.device.PciAddress;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.store.ProgrammingTask;
import org.hwpersonality.api.store.TaskRecords;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Programming tasks in HWP_TASK. A claim selects the node's oldest QUEUED rows and marks them CLAIMED in one
 * transaction; on PostgreSQL in one statement with {@code FOR UPDATE SKIP LOCKED}, so concurrent claimers pass each
 * other's rows by.
 * Embedded Derby serves a single node, whose claims are serial; its update's {@code STATE = 'QUEUED'} condition
 * keeps a row from being claimed twice there too.
 */
@Component(service = TaskRecords.class)
public class SqlTaskRecords implements TaskRecords {
    static final String COLUMNS = "ID, NODE_ID, ALLOCATION_ID, DEVICE_ID, REGION_ID, STATE, CLAIMED_BY, CREATED_AT,"
            + " OUTCOME, DURATION_MS";
    private static final int TASK_COLUMNS = 10;
    private static final int ALLOCATION_COLUMNS = SqlAllocationRecords.COLUMN_COUNT;
    /** A claimed task, its allocation and its region, read in the claim (allocation or region null if gone). */
    private static final String CLAIMED_COLUMNS = prefixed("T.", COLUMNS) + ", "
            + prefixed("A.", SqlAllocationRecords.COLUMNS)
            + ", R.REGION_ID, R.KIND, R.LUTS, R.REGISTERS, R.BRAM_BLOCKS, R.DSPS, R.MEMORY_MB, R.STATE,"
            + " R.LOADED_PERSONALITY_ID, R.LOADED_IMAGE, R.GUEST_FUNCTION, R.TENANT";

    private static final String CLAIMED_JOIN = " LEFT JOIN HWP_ALLOCATION A ON A.ID = T.ALLOCATION_ID"
            + " LEFT JOIN HWP_REGION R ON R.DEVICE_ID = T.DEVICE_ID AND R.REGION_ID = T.REGION_ID";

    private final Database database;

    @Activate
    public SqlTaskRecords(@Reference Database database) {
        this.database = database;
    }

    /** Writes a new QUEUED task (inside the caller's transaction). */
    static void insert(Connection c, ProgrammingTask t, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO HWP_TASK (ID, NODE_ID, ALLOCATION_ID, DEVICE_ID,"
                + " REGION_ID, STATE, CREATED_AT, UPDATED_AT) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, t.id());
            s.setString(2, t.node());
            s.setString(3, t.allocationId());
            s.setString(4, t.deviceId());
            s.setString(5, t.regionId());
            s.setString(6, t.state().name());
            s.setTimestamp(7, Timestamp.from(t.createdAt()));
            s.setTimestamp(8, Timestamp.from(now));
            s.executeUpdate();
        }
    }

    @Override
    public List<Claimed> claim(String node, String session, int max) {
        return database.postgres() ? claimOnPostgres(node, session, max) : claimOnDerby(node, session, max);
    }

    /**
     * One statement on a connection of its own: the oldest QUEUED rows, skipping those another transaction holds,
     * marked CLAIMED and returned. The claim does not wait for the log to reach the disk ({@code synchronous_commit}
     * off for this transaction alone): it is visible to every session at once, and it is on disk with the next
     * durable commit or within a second. A crash of this node loses nothing; a crash of the database server in that
     * moment may lose the claim, and the task, QUEUED again, is run again: the region is programmed once more with
     * the same image. The step this saves is a wait for the disk on every dispatched programming.
     */
    private List<Claimed> claimOnPostgres(String node, String session, int max) {
        return database.inOwnJdbcTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL synchronous_commit TO OFF");
            }
            PreparedStatement s = Statements.prepare(
                    c,
                    "WITH T AS (UPDATE HWP_TASK SET STATE = 'CLAIMED', CLAIMED_BY = ?, UPDATED_AT = ? WHERE ID IN"
                            + " (SELECT ID FROM HWP_TASK WHERE NODE_ID = ? AND STATE = 'QUEUED' ORDER BY CREATED_AT,"
                            + " ID LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS + ") SELECT "
                            + CLAIMED_COLUMNS + " FROM T" + CLAIMED_JOIN + " ORDER BY T.CREATED_AT, T.ID");
            s.setString(1, session);
            s.setTimestamp(2, Timestamp.from(Instant.now()));
            s.setString(3, node);
            s.setInt(4, Math.max(1, max));
            return claimed(c, s);
        });
    }

    private List<Claimed> claimOnDerby(String node, String session, int max) {
        return database.inJdbcTransaction(c -> {
            List<String> queued = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT ID FROM HWP_TASK WHERE NODE_ID = ? AND STATE = 'QUEUED' ORDER BY CREATED_AT, ID")) {
                s.setString(1, node);
                s.setMaxRows(Math.max(1, max));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        queued.add(rs.getString(1));
                    }
                }
            }
            List<Claimed> claimed = new ArrayList<>();
            Timestamp now = Timestamp.from(Instant.now());
            for (String id : queued) {
                try (PreparedStatement s = c.prepareStatement("UPDATE HWP_TASK SET STATE = 'CLAIMED', CLAIMED_BY = ?,"
                        + " UPDATED_AT = ? WHERE ID = ? AND STATE = 'QUEUED'")) {
                    s.setString(1, session);
                    s.setTimestamp(2, now);
                    s.setString(3, id);
                    if (s.executeUpdate() == 0) {
                        continue;
                    }
                }
                try (PreparedStatement s = c.prepareStatement(
                        "SELECT " + CLAIMED_COLUMNS + " FROM HWP_TASK T" + CLAIMED_JOIN + " WHERE T.ID = ?")) {
                    s.setString(1, id);
                    claimed.addAll(claimed(c, s));
                }
            }
            return claimed;
        });
    }

    /**
     * The claimed tasks {@code s} selects, with their allocations and regions. A task whose allocation or region is
     * gone (nothing to program) is recorded FAILED in the same transaction and not returned.
     */
    private static List<Claimed> claimed(Connection c, PreparedStatement s) throws SQLException {
        List<Claimed> claimed = new ArrayList<>();
        List<ProgrammingTask> orphans = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                ProgrammingTask t = read(rs);
                int region = TASK_COLUMNS + ALLOCATION_COLUMNS + 1;
                if (rs.getString(TASK_COLUMNS + 1) == null || rs.getString(region) == null) {
                    orphans.add(t);
                } else {
                    claimed.add(new Claimed(t, SqlAllocationRecords.read(rs, TASK_COLUMNS + 1), region(rs, region)));
                }
            }
        }
        for (ProgrammingTask t : orphans) {
            finish(c, t.id(), false, "nothing to program: the allocation or the region is gone", Optional.empty());
        }
        return claimed;
    }

    private static Region region(ResultSet rs, int at) throws SQLException {
        return new Region(
                rs.getString(at),
                RegionKind.valueOf(rs.getString(at + 1)),
                new Resources(
                        rs.getLong(at + 2),
                        rs.getLong(at + 3),
                        rs.getLong(at + 4),
                        rs.getLong(at + 5),
                        rs.getLong(at + 6)),
                RegionState.valueOf(rs.getString(at + 7)),
                Optional.ofNullable(rs.getString(at + 8)),
                Optional.ofNullable(rs.getString(at + 9)).map(String::trim).map(Sha256::new),
                Optional.ofNullable(rs.getString(at + 10)).map(f -> PciAddress.parse("guestFunction", f)),
                Optional.ofNullable(rs.getString(at + 11)));
    }

    private static String prefixed(String alias, String columns) {
        return Arrays.stream(columns.split(",")).map(x -> alias + x.trim()).collect(Collectors.joining(", "));
    }

    @Override
    public void finish(String taskId, boolean succeeded, String outcome, Optional<Double> durationMs) {
        database.inJdbcTransaction(c -> finish(c, taskId, succeeded, outcome, durationMs));
    }

    /** Records a CLAIMED task's outcome (inside the caller's transaction); the rows changed. */
    static int finish(Connection c, String taskId, boolean succeeded, String outcome, Optional<Double> durationMs)
            throws SQLException {
        PreparedStatement s = Statements.prepare(
                c,
                "UPDATE HWP_TASK SET STATE = ?, OUTCOME = ?, DURATION_MS = ?, UPDATED_AT = ? WHERE ID = ? AND STATE ="
                        + " 'CLAIMED'");
        s.setString(1, succeeded ? "DONE" : "FAILED");
        s.setString(2, outcome.length() > 4000 ? outcome.substring(0, 4000) : outcome);
        if (durationMs.isPresent()) {
            s.setDouble(3, durationMs.get());
        } else {
            s.setNull(3, Types.DOUBLE);
        }
        s.setTimestamp(4, Timestamp.from(Instant.now()));
        s.setString(5, taskId);
        return s.executeUpdate();
    }

    @Override
    public List<ProgrammingTask> abandoned(String node, String session) {
        return query(
                "SELECT " + COLUMNS + " FROM HWP_TASK WHERE NODE_ID = ? AND STATE = 'CLAIMED' AND CLAIMED_BY <> ?"
                        + " ORDER BY CREATED_AT, ID",
                node,
                session);
    }

    @Override
    public Optional<ProgrammingTask> ofAllocation(String allocationId) {
        return query(
                        "SELECT " + COLUMNS + " FROM HWP_TASK WHERE ALLOCATION_ID = ? ORDER BY CREATED_AT DESC, ID",
                        allocationId)
                .stream()
                .findFirst();
    }

    private List<ProgrammingTask> query(String sql, String... parameters) {
        return database.jdbcRead(c -> {
            List<ProgrammingTask> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    s.setString(i + 1, parameters[i]);
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
            }
            return out;
        });
    }

    private static ProgrammingTask read(ResultSet rs) throws SQLException {
        double duration = rs.getDouble(10);
        boolean noDuration = rs.wasNull();
        return new ProgrammingTask(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                ProgrammingTask.State.valueOf(rs.getString(6)),
                Optional.ofNullable(rs.getString(7)).map(String::trim),
                rs.getTimestamp(8).toInstant(),
                Optional.ofNullable(rs.getString(9)),
                noDuration ? Optional.empty() : Optional.of(duration));
    }
}
