package org.hwpersonality.repository.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import javax.sql.DataSource;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.WorkloadProfile;

/**
 * Writes profiles for benchmarks in JDBC batches: the columns and the JSON document {@link JpaProfileRepository}
 * writes through {@code ProfileEntity} (same {@link ProfileCodec}), without its per-profile checks and audit rows, so
 * a million profiles take minutes, not an hour. The profile revision counter is moved past the rows written, as a
 * store does, so a node's first {@code changedSince(0)} reads them all.
 */
public final class ProfileBulkLoad {
    private static final String PROFILE = "INSERT INTO HWP_PROFILE (PERSONALITY_ID, NAME, PROFILE_VERSION, VENDOR,"
            + " FAMILY, ORIGIN, STATUS, PARENT_ID, CREATED_AT, DOCUMENT, ROW_VERSION, CHANGE_NO)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)";
    private static final String WORKLOAD = "INSERT INTO HWP_PROFILE_WORKLOAD (PERSONALITY_ID, WORKLOAD,"
            + " THROUGHPUT_GOPS, LATENCY_US, POWER_WATTS) VALUES (?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final ProfileCodec codec = new ProfileCodec();

    public ProfileBulkLoad(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Writes the profiles in one transaction with the next profile revision; returns that revision. */
    public long write(List<PersonalityProfile> profiles) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            long revision;
            try (PreparedStatement next = c.prepareStatement(
                    "UPDATE HWP_COUNTER SET COUNTER_VALUE = COUNTER_VALUE + 1 WHERE NAME = 'profiles'"
                            + " RETURNING COUNTER_VALUE")) {
                var rs = next.executeQuery();
                rs.next();
                revision = rs.getLong(1);
            }
            try (PreparedStatement p = c.prepareStatement(PROFILE);
                    PreparedStatement w = c.prepareStatement(WORKLOAD)) {
                for (PersonalityProfile profile : profiles) {
                    p.setString(1, profile.personalityId());
                    p.setString(2, profile.name());
                    p.setInt(3, profile.version());
                    p.setString(4, profile.compatibility().vendor());
                    p.setString(5, profile.compatibility().family());
                    p.setString(6, profile.origin().name());
                    p.setString(7, profile.status().name());
                    if (profile.lineage().isPresent()) {
                        p.setString(8, profile.lineage().get().parentId());
                    } else {
                        p.setNull(8, Types.VARCHAR);
                    }
                    p.setTimestamp(9, Timestamp.from(profile.createdAt()));
                    p.setString(10, codec.write(profile));
                    p.setLong(11, revision);
                    p.addBatch();
                    for (WorkloadProfile wp : profile.workloads()) {
                        w.setString(1, profile.personalityId());
                        w.setString(2, wp.workload());
                        w.setDouble(3, wp.performance().throughputGops());
                        w.setDouble(4, wp.performance().latencyUs());
                        w.setDouble(5, wp.performance().powerWatts());
                        w.addBatch();
                    }
                }
                p.executeBatch();
                w.executeBatch();
            }
            c.commit();
            return revision;
        }
    }
}
