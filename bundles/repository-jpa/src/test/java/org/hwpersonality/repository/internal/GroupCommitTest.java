package org.hwpersonality.repository.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.junit.jupiter.api.Test;

/** Changes queued together share a transaction, yet each succeeds or fails alone (embedded Derby, durable). */
class GroupCommitTest {
    @Test
    void eachChangeOfABatchSucceedsOrFailsAlone() throws Exception {
        try (TestDatabase db = TestDatabase.derby()) {
            eachChangeSucceedsOrFailsAlone(db);
        }
    }

    /** The same on PostgreSQL, where changes run without savepoints: a failed one sends its batch one by one. */
    @Test
    void eachChangeOfABatchSucceedsOrFailsAloneWithoutSavepoints() throws Exception {
        try (TestDatabase db = TestDatabase.postgres()) {
            eachChangeSucceedsOrFailsAlone(db);
        }
    }

    private static void eachChangeSucceedsOrFailsAlone(TestDatabase db) throws Exception {
        {
            db.database.inOwnJdbcTransaction(
                    c -> execute(c, "CREATE TABLE GC_TEST (ID INT PRIMARY KEY, NOTE VARCHAR(32))"));
            int threads = 48;
            java.util.Set<String> threadsSeen = ConcurrentHashMap.newKeySet();
            List<String> results = concurrently(db, threads, (c, n) -> {
                threadsSeen.add(Thread.currentThread().getName());
                if (n % 3 == 0) {
                    // Every third change takes the same key: one wins, the others violate the key.
                    return insert(c, 0, "contested-" + n) + "";
                }
                insert(c, n, "own");
                if (n % 3 == 1 && n % 2 == 0) {
                    throw HwpException.conflict("change " + n + " changes its mind");
                }
                return "ok";
            });

            long contested = java.util.stream.IntStream.range(0, threads)
                    .filter(n -> n % 3 == 0)
                    .count();
            long changedMind = java.util.stream.IntStream.range(0, threads)
                    .filter(n -> n % 3 == 1 && n % 2 == 0)
                    .count();
            assertThat(results.stream().filter("1"::equals).count())
                    .as("exactly one contested insert won")
                    .isEqualTo(1);
            assertThat(results.stream()
                            .filter(ErrorCode.CONFLICT.name()::equals)
                            .count())
                    .as("the other contested inserts and the changes that threw, each failed alone")
                    .isEqualTo(contested - 1 + changedMind);
            List<Integer> stored = db.database.jdbcRead(c -> ids(c));
            List<Integer> expected = new ArrayList<>();
            expected.add(0);
            for (int n = 0; n < threads; n++) {
                if (n % 3 != 0 && !(n % 3 == 1 && n % 2 == 0)) {
                    expected.add(n);
                }
            }
            assertThat(stored)
                    .as("what succeeded is committed; a failed change left nothing")
                    .containsExactlyElementsOf(expected);
            assertThat(threadsSeen).as("one writer runs every change").containsExactly("hwp-group-commit");
        }
    }

    @Test
    void aBatchTheDatabaseRollsBackIsRunChangeByChange() throws Exception {
        try (TestDatabase db = TestDatabase.derby()) {
            db.database.inOwnJdbcTransaction(
                    c -> execute(c, "CREATE TABLE GC_TEST (ID INT PRIMARY KEY, NOTE VARCHAR(32))"));
            int threads = 24;
            List<String> results = concurrently(db, threads, (c, n) -> {
                insert(c, n, "own");
                if (n == 7) {
                    // What a database reports when it chose this transaction as a deadlock's victim.
                    throw new SQLException("deadlock found", "40001");
                }
                return "ok";
            });
            assertThat(results.get(7)).isEqualTo(ErrorCode.CONFLICT.name());
            assertThat(results.stream().filter("ok"::equals).count())
                    .as("its neighbours in the batch are committed")
                    .isEqualTo(threads - 1);
            List<Integer> committed = db.database.jdbcRead(c -> ids(c));
            assertThat(committed).hasSize(threads - 1).doesNotContain(7);
        }
    }

    @Test
    void aClosedDatabaseRefusesChanges() {
        TestDatabase db = TestDatabase.derby();
        db.close();
        assertThatThrownBy(() -> db.database.inJdbcTransaction(c -> 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closing");
    }

    /** A change of a test, given its number. */
    private interface NumberedChange {
        String apply(Connection c, int n) throws SQLException;
    }

    /**
     * Submits {@code threads} changes at once (so that they share batches) and returns each one's result, or the
     * name of the error code it failed with.
     */
    private static List<String> concurrently(TestDatabase db, int threads, NumberedChange change) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int n = i;
            outcomes.add(pool.submit(() -> {
                go.await();
                try {
                    return db.database.inJdbcTransaction(c -> change.apply(c, n));
                } catch (HwpException e) {
                    return e.code().name();
                }
            }));
        }
        go.countDown();
        List<String> results = new ArrayList<>();
        for (Future<String> f : outcomes) {
            results.add(f.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        return results;
    }

    private static int insert(Connection c, int id, String note) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO GC_TEST (ID, NOTE) VALUES (?, ?)")) {
            s.setInt(1, id);
            s.setString(2, note);
            return s.executeUpdate();
        }
    }

    private static int execute(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            return s.executeUpdate();
        }
    }

    private static List<Integer> ids(Connection c) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT ID FROM GC_TEST ORDER BY ID");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getInt(1));
            }
        }
        return out;
    }
}
