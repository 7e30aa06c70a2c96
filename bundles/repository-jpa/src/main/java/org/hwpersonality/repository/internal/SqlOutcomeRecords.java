package org.hwpersonality.repository.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.outcome.LearnedFigures;
import org.hwpersonality.api.outcome.Outcome;
import org.hwpersonality.api.store.OutcomeRecords;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The outcome history in HWP_OUTCOME and the learned figures in HWP_LEARNED. A report and its key's recomputed figures
 * are written in one transaction; the percentiles are computed here (linear interpolation between the closest ranks),
 * so they are the same on Derby and PostgreSQL.
 */
@Component(service = OutcomeRecords.class)
public class SqlOutcomeRecords implements OutcomeRecords {
    private static final String LEARNED_COLUMNS = "PERSONALITY_ID, FAMILY, WORKLOAD, SAMPLES, VMS, THROUGHPUT_MEDIAN,"
            + " THROUGHPUT_LOW, LATENCY_MEDIAN, LATENCY_HIGH, POWER_MEDIAN, POWER_HIGH, UPDATED_AT, FLAGGED_AT";
    private static final String OUTCOME_COLUMNS = "VM_ID, ALLOCATION_ID, PERSONALITY_ID, DEVICE_ID, FAMILY, WORKLOAD,"
            + " THROUGHPUT_GOPS, LATENCY_US, POWER_WATTS, UNDER_DELIVERED, OBSERVED_AT";

    private final Database database;

    @Activate
    public SqlOutcomeRecords(@Reference Database database) {
        this.database = database;
    }

    @Override
    public LearnedFigures record(Outcome o) {
        try {
            return database.inJdbcTransaction(c -> insertAndLearn(c, o));
        } catch (HwpException e) {
            if (e.code() != ErrorCode.CONFLICT) {
                throw e;
            }
            // another node inserted this key's first learned row meanwhile: the report was rolled back, store it again
            return database.inJdbcTransaction(c -> insertAndLearn(c, o));
        }
    }

    private static LearnedFigures insertAndLearn(Connection c, Outcome o) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO HWP_OUTCOME (" + OUTCOME_COLUMNS
                + ", RECORDED_AT) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, o.vmId());
            s.setString(2, o.allocationId());
            s.setString(3, o.personalityId());
            s.setString(4, o.deviceId());
            s.setString(5, o.family());
            s.setString(6, o.workload());
            setFigure(s, 7, o.throughputGops());
            setFigure(s, 8, o.latencyUs());
            setFigure(s, 9, o.powerWatts());
            s.setBoolean(10, o.underDelivered());
            s.setTimestamp(11, Timestamp.from(o.observedAt()));
            s.setTimestamp(12, Timestamp.from(now()));
            s.executeUpdate();
        }
        return learn(c, o.personalityId(), o.family(), o.workload()).orElseThrow();
    }

    /** Recomputes one key's figures from its latest reports and writes them; empty (and no row) when none is left. */
    private static Optional<LearnedFigures> learn(Connection c, String personalityId, String family, String workload)
            throws SQLException {
        List<Double> throughput = new ArrayList<>();
        List<Double> latency = new ArrayList<>();
        List<Double> power = new ArrayList<>();
        Set<String> vms = new HashSet<>();
        int samples = 0;
        try (PreparedStatement s = c.prepareStatement("SELECT VM_ID, THROUGHPUT_GOPS, LATENCY_US, POWER_WATTS FROM"
                + " HWP_OUTCOME WHERE PERSONALITY_ID = ? AND FAMILY = ? AND WORKLOAD = ? AND (THROUGHPUT_GOPS IS NOT"
                + " NULL OR LATENCY_US IS NOT NULL OR POWER_WATTS IS NOT NULL) ORDER BY OBSERVED_AT DESC,"
                + " SEQUENCE_NO DESC FETCH FIRST " + WINDOW + " ROWS ONLY")) {
            s.setString(1, personalityId);
            s.setString(2, family);
            s.setString(3, workload);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    samples++;
                    vms.add(rs.getString(1));
                    add(rs, 2, throughput);
                    add(rs, 3, latency);
                    add(rs, 4, power);
                }
            }
        }
        Optional<Instant> flagged = Optional.empty();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT FLAGGED_AT FROM HWP_LEARNED WHERE PERSONALITY_ID = ? AND FAMILY = ? AND WORKLOAD = ?")) {
            s.setString(1, personalityId);
            s.setString(2, family);
            s.setString(3, workload);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next() && rs.getTimestamp(1) != null) {
                    flagged = Optional.of(rs.getTimestamp(1).toInstant());
                }
            }
        }
        if (samples == 0) {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM HWP_LEARNED WHERE PERSONALITY_ID = ? AND FAMILY = ? AND WORKLOAD = ?")) {
                s.setString(1, personalityId);
                s.setString(2, family);
                s.setString(3, workload);
                s.executeUpdate();
            }
            return Optional.empty();
        }
        LearnedFigures f = new LearnedFigures(
                personalityId,
                family,
                workload,
                samples,
                vms.size(),
                quantile(throughput, 0.5),
                quantile(throughput, 0.1),
                quantile(latency, 0.5),
                quantile(latency, 0.9),
                quantile(power, 0.5),
                quantile(power, 0.9),
                now(),
                flagged);
        int updated;
        try (PreparedStatement s = c.prepareStatement("UPDATE HWP_LEARNED SET SAMPLES = ?, VMS = ?, THROUGHPUT_MEDIAN"
                + " = ?, THROUGHPUT_LOW = ?, LATENCY_MEDIAN = ?, LATENCY_HIGH = ?, POWER_MEDIAN = ?, POWER_HIGH = ?,"
                + " UPDATED_AT = ? WHERE PERSONALITY_ID = ? AND FAMILY = ? AND WORKLOAD = ?")) {
            setLearned(s, 1, f);
            s.setString(10, personalityId);
            s.setString(11, family);
            s.setString(12, workload);
            updated = s.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO HWP_LEARNED (SAMPLES, VMS, THROUGHPUT_MEDIAN,"
                    + " THROUGHPUT_LOW, LATENCY_MEDIAN, LATENCY_HIGH, POWER_MEDIAN, POWER_HIGH, UPDATED_AT,"
                    + " PERSONALITY_ID, FAMILY, WORKLOAD) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                setLearned(s, 1, f);
                s.setString(10, personalityId);
                s.setString(11, family);
                s.setString(12, workload);
                s.executeUpdate();
            }
        }
        return Optional.of(f);
    }

    private static void setLearned(PreparedStatement s, int from, LearnedFigures f) throws SQLException {
        s.setInt(from, f.samples());
        s.setInt(from + 1, f.vms());
        setFigure(s, from + 2, f.throughputMedian());
        setFigure(s, from + 3, f.throughputLow());
        setFigure(s, from + 4, f.latencyMedian());
        setFigure(s, from + 5, f.latencyHigh());
        setFigure(s, from + 6, f.powerMedian());
        setFigure(s, from + 7, f.powerHigh());
        s.setTimestamp(from + 8, Timestamp.from(f.updatedAt()));
    }

    /** The {@code p}-quantile, linear between the closest ranks (R-7, as spreadsheets compute it); empty if none. */
    static Optional<Double> quantile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Optional.empty();
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return Optional.of(sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]));
    }

    private static void add(ResultSet rs, int column, List<Double> into) throws SQLException {
        double v = rs.getDouble(column);
        if (!rs.wasNull()) {
            into.add(v);
        }
    }

    private static void setFigure(PreparedStatement s, int i, Optional<Double> v) throws SQLException {
        if (v.isPresent()) {
            s.setDouble(i, v.get());
        } else {
            s.setNull(i, Types.DOUBLE);
        }
    }

    private static Optional<Double> figure(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    @Override
    public List<LearnedFigures> learned(String personalityId) {
        return database.jdbcRead(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + LEARNED_COLUMNS
                    + " FROM HWP_LEARNED WHERE PERSONALITY_ID = ? ORDER BY FAMILY, WORKLOAD")) {
                s.setString(1, personalityId);
                return learnedRows(s);
            }
        });
    }

    @Override
    public Optional<LearnedFigures> learned(String personalityId, String family, String workload) {
        return database.jdbcRead(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + LEARNED_COLUMNS
                    + " FROM HWP_LEARNED WHERE PERSONALITY_ID = ? AND FAMILY = ? AND WORKLOAD = ?")) {
                s.setString(1, personalityId);
                s.setString(2, family);
                s.setString(3, workload);
                return learnedRows(s).stream().findFirst();
            }
        });
    }

    @Override
    public List<LearnedFigures> learned(int minSamples) {
        return database.jdbcRead(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + LEARNED_COLUMNS
                    + " FROM HWP_LEARNED WHERE SAMPLES >= ? ORDER BY PERSONALITY_ID, FAMILY, WORKLOAD")) {
                s.setInt(1, minSamples);
                return learnedRows(s);
            }
        });
    }

    @Override
    public List<LearnedFigures> flagged() {
        return database.jdbcRead(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + LEARNED_COLUMNS
                    + " FROM HWP_LEARNED WHERE FLAGGED_AT IS NOT NULL ORDER BY PERSONALITY_ID, FAMILY, WORKLOAD")) {
                return learnedRows(s);
            }
        });
    }

    private static List<LearnedFigures> learnedRows(PreparedStatement s) throws SQLException {
        List<LearnedFigures> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                Timestamp flagged = rs.getTimestamp(13);
                out.add(new LearnedFigures(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getInt(4),
                        rs.getInt(5),
                        figure(rs, 6),
                        figure(rs, 7),
                        figure(rs, 8),
                        figure(rs, 9),
                        figure(rs, 10),
                        figure(rs, 11),
                        rs.getTimestamp(12).toInstant(),
                        flagged == null ? Optional.empty() : Optional.of(flagged.toInstant())));
            }
        }
        return out;
    }

    @Override
    public Set<String> underDelivered(String vmId, String workload, Instant since) {
        return database.jdbcRead(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT PERSONALITY_ID FROM HWP_OUTCOME WHERE VM_ID"
                    + " = ? AND OBSERVED_AT >= ? AND UNDER_DELIVERED = ? AND WORKLOAD = ?")) {
                s.setString(1, vmId);
                s.setTimestamp(2, Timestamp.from(since));
                s.setBoolean(3, true);
                s.setString(4, workload);
                Set<String> out = new LinkedHashSet<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public boolean flag(String personalityId, String family, String workload, boolean flagged) {
        return database.inJdbcTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    flagged
                            ? "UPDATE HWP_LEARNED SET FLAGGED_AT = ? WHERE PERSONALITY_ID = ? AND FAMILY = ? AND WORKLOAD = ?"
                                    + " AND FLAGGED_AT IS NULL"
                            : "UPDATE HWP_LEARNED SET FLAGGED_AT = NULL WHERE FLAGGED_AT IS NOT NULL AND PERSONALITY_ID = ?"
                                    + " AND FAMILY = ? AND WORKLOAD = ?")) {
                int i = 1;
                if (flagged) {
                    s.setTimestamp(i++, Timestamp.from(now()));
                }
                s.setString(i++, personalityId);
                s.setString(i++, family);
                s.setString(i, workload);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public int purgeBefore(Instant cutoff) {
        return database.inOwnJdbcTransaction(c -> {
            List<String[]> keys = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT DISTINCT PERSONALITY_ID, FAMILY, WORKLOAD FROM" + " HWP_OUTCOME WHERE OBSERVED_AT < ?")) {
                s.setTimestamp(1, Timestamp.from(cutoff));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        keys.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                    }
                }
            }
            int deleted;
            try (PreparedStatement s = c.prepareStatement("DELETE FROM HWP_OUTCOME WHERE OBSERVED_AT < ?")) {
                s.setTimestamp(1, Timestamp.from(cutoff));
                deleted = s.executeUpdate();
            }
            for (String[] k : keys) {
                learn(c, k[0], k[1], k[2]);
            }
            return deleted;
        });
    }

    @Override
    public List<Outcome> ofVm(String vmId, int limit) {
        return database.jdbcRead(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("SELECT " + OUTCOME_COLUMNS + " FROM HWP_OUTCOME WHERE VM_ID ="
                            + " ? ORDER BY OBSERVED_AT DESC, SEQUENCE_NO DESC FETCH FIRST " + Math.max(1, limit)
                            + " ROWS ONLY")) {
                s.setString(1, vmId);
                List<Outcome> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Outcome(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                figure(rs, 7),
                                figure(rs, 8),
                                figure(rs, 9),
                                rs.getBoolean(10),
                                rs.getTimestamp(11).toInstant()));
                    }
                }
                return out;
            }
        });
    }

    /** Now, at the precision both databases keep, so that what {@link #record} returns equals what is read back. */
    private static Instant now() {
        return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}
