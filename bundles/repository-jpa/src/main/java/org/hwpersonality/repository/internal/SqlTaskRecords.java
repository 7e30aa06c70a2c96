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
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
    public List<ProgrammingTask> claim(String node, String session, int max) {
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
    private List<ProgrammingTask> claimOnPostgres(String node, String session, int max) {
        return database.inOwnJdbcTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL synchronous_commit TO OFF");
            }
            List<ProgrammingTask> claimed = new ArrayList<>();
            PreparedStatement s = Statements.prepare(
                    c,
                    "UPDATE HWP_TASK SET STATE = 'CLAIMED', CLAIMED_BY = ?, UPDATED_AT = ? WHERE ID IN (SELECT ID FROM"
                            + " HWP_TASK WHERE NODE_ID = ? AND STATE = 'QUEUED' ORDER BY CREATED_AT, ID LIMIT ? FOR"
                            + " UPDATE SKIP LOCKED) RETURNING " + COLUMNS);
            s.setString(1, session);
            s.setTimestamp(2, Timestamp.from(Instant.now()));
            s.setString(3, node);
            s.setInt(4, Math.max(1, max));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    claimed.add(read(rs));
                }
            }
            claimed.sort(Comparator.comparing(ProgrammingTask::createdAt).thenComparing(ProgrammingTask::id));
            return claimed;
        });
    }

    private List<ProgrammingTask> claimOnDerby(String node, String session, int max) {
        return database.inJdbcTransaction(c -> {
            List<ProgrammingTask> queued = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM HWP_TASK WHERE NODE_ID = ? AND STATE = 'QUEUED' ORDER BY CREATED_AT, ID")) {
                s.setString(1, node);
                s.setMaxRows(Math.max(1, max));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        queued.add(read(rs));
                    }
                }
            }
            List<ProgrammingTask> claimed = new ArrayList<>();
            Timestamp now = Timestamp.from(Instant.now());
            for (ProgrammingTask t : queued) {
                try (PreparedStatement s = c.prepareStatement("UPDATE HWP_TASK SET STATE = 'CLAIMED', CLAIMED_BY = ?,"
                        + " UPDATED_AT = ? WHERE ID = ? AND STATE = 'QUEUED'")) {
                    s.setString(1, session);
                    s.setTimestamp(2, now);
                    s.setString(3, t.id());
                    if (s.executeUpdate() == 1) {
                        claimed.add(new ProgrammingTask(
                                t.id(),
                                t.node(),
                                t.allocationId(),
                                t.deviceId(),
                                t.regionId(),
                                ProgrammingTask.State.CLAIMED,
                                Optional.of(session),
                                t.createdAt(),
                                Optional.empty(),
                                Optional.empty()));
                    }
                }
            }
            return claimed;
        });
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
