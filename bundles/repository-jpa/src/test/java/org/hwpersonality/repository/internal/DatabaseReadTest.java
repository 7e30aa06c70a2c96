package org.hwpersonality.repository.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.junit.jupiter.api.Test;

/**
 * Reads the database rolls back (a deadlock victim, a lock wait timed out) run again, and in the end fail as a
 * CONFLICT, never as an internal error. Real lock waits on embedded Derby, with its lock timeout at one second.
 */
class DatabaseReadTest {
    @Test
    void aReadRolledBackRunsAgain() throws Exception {
        try (TestDatabase db = TestDatabase.derby()) {
            prepare(db);
            Connection writer = lockTheRow(db);
            long start = System.nanoTime();
            CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> {
                sleep(2_500);
                commitAndClose(writer);
            });
            String note = db.database.jdbcRead(c -> note(c));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            commit.join();
            assertThat(note).as("the committed value, read by a later attempt").isEqualTo("after");
            assertThat(waitedMs)
                    .as("two attempts timed out (1 s each) before the third found the row free")
                    .isGreaterThanOrEqualTo(2_000);
        }
    }

    @Test
    void aReadRolledBackEveryTimeIsAConflict() throws Exception {
        try (TestDatabase db = TestDatabase.derby()) {
            prepare(db);
            Connection writer = lockTheRow(db);
            try {
                assertThatThrownBy(() -> db.database.jdbcRead(c -> note(c)))
                        .isInstanceOfSatisfying(
                                HwpException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
                assertThatThrownBy(() ->
                                db.database.read(em -> em.createNativeQuery("SELECT NOTE FROM READ_TEST WHERE ID = 1")
                                        .getSingleResult()))
                        .isInstanceOfSatisfying(HwpException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                            assertThat(e.getMessage()).contains("try again");
                        });
            } finally {
                writer.rollback();
                writer.close();
            }
            String note = db.database.jdbcRead(c -> note(c));
            assertThat(note).as("nothing changed").isEqualTo("before");
        }
    }

    /** A table with one row, and lock waits that time out after a second. */
    private static void prepare(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("CREATE TABLE READ_TEST (ID INT PRIMARY KEY, NOTE VARCHAR(32))");
            s.execute("INSERT INTO READ_TEST VALUES (1, 'before')");
            s.execute("CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.locks.waitTimeout', '1')");
            c.commit();
        }
    }

    /** A connection whose open transaction has changed the row, holding its exclusive lock. */
    private static Connection lockTheRow(TestDatabase db) throws SQLException {
        Connection writer = db.dataSource.getConnection();
        writer.setAutoCommit(false);
        try (Statement s = writer.createStatement()) {
            assertThat(s.executeUpdate("UPDATE READ_TEST SET NOTE = 'after' WHERE ID = 1"))
                    .isEqualTo(1);
        }
        return writer;
    }

    private static String note(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT NOTE FROM READ_TEST WHERE ID = 1")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void commitAndClose(Connection c) {
        try (c) {
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
