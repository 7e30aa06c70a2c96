package org.hwpersonality.repository.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Group commit for the allocation path: a writer thread takes every change queued meanwhile and runs them in one
 * transaction, each under its own savepoint, then commits once and answers each caller. A durable commit waits for
 * the database's log to reach the disk; under load, many changes share that wait instead of queueing for their
 * own. A change that fails is rolled back to its savepoint alone (on PostgreSQL, which has no savepoints here, with
 * its batch, which then runs change by change: see the constructor) and its caller gets the failure; a commit that
 * fails fails every change of the batch, none of which was acknowledged. Nothing is acknowledged before its commit.
 *
 * <p>One writer: two were tried, so that one would run a batch while the other waits for the disk, but Derby's
 * locking of the unique HELD_REGION index made their batches deadlock every few seconds (on PostgreSQL, four
 * writers gave fewer allocations a second than one: smaller batches, more commits). A batch that another node's
 * batch deadlocks with (PostgreSQL) is rolled back by the database, and its changes run again one by one.
 */
final class GroupCommit {
    private static final Logger LOG = Logger.getLogger(GroupCommit.class.getName());

    /** The most changes one transaction takes: bounds how long locks are held and how much a failed commit undoes. */
    static final int MAX_BATCH = 256;

    private record Change<T>(Database.SqlWork<T> work, CompletableFuture<T> done) {
        /**
         * Runs the change in {@code c}'s transaction, under a savepoint if {@code savepoint}; adds its answer. Returns
         * false when it failed without a savepoint: the transaction then holds part of it and must be rolled back.
         */
        boolean run(Connection c, List<Runnable> answers, boolean savepoint) throws SQLException {
            Savepoint mark = savepoint ? c.setSavepoint() : null;
            try {
                T result = work.apply(c);
                answers.add(() -> done.complete(result));
                return true;
            } catch (SQLException e) {
                if (Database.isTransactionRollback(e)) {
                    throw e; // the whole transaction is gone, not only this change
                }
                return failed(c, answers, mark, e);
            } catch (RuntimeException e) {
                return failed(c, answers, mark, e);
            }
        }

        private boolean failed(Connection c, List<Runnable> answers, Savepoint mark, Exception e) throws SQLException {
            answers.add(() -> done.completeExceptionally(e));
            if (mark == null) {
                return false;
            }
            c.rollback(mark);
            return true;
        }
    }

    private final DataSource dataSource;
    private final Function<SQLException, RuntimeException> failure;
    private final BlockingQueue<Change<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean open = true;

    private final boolean savepoints;

    /**
     * With {@code savepoints}, each change of a batch runs
     * under its own savepoint and one that fails is rolled back alone. Without them (a savepoint costs a round trip
     * to a database server), a change that fails rolls the whole batch back, and its changes run again one by one,
     * each in a transaction of its own: a failed change costs its batch a second pass, and succeeds or fails alone
     * all the same.
     */
    GroupCommit(DataSource dataSource, Function<SQLException, RuntimeException> failure, boolean savepoints) {
        this.dataSource = dataSource;
        this.failure = failure;
        this.savepoints = savepoints;
        this.writer = new Thread(this::write, "hwp-group-commit");
        writer.setDaemon(true);
        writer.start();
    }

    /** Runs {@code work} in the next batch; returns its result once the batch is committed, or throws its failure. */
    <T> T run(Database.SqlWork<T> work) {
        if (!open) {
            throw new IllegalStateException("the HWP database is closing");
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        queue.add(new Change<>(work, done));
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the change was committed (its outcome is unknown)", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw failure.apply(sql);
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void write() {
        List<Change<?>> batch = new ArrayList<>();
        while (open) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            commit(batch);
            batch.clear();
        }
        Change<?> left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new IllegalStateException("the HWP database closed"));
        }
    }

    private void commit(List<Change<?>> batch) {
        List<Runnable> answers = new ArrayList<>(batch.size());
        boolean oneByOne = false;
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            if (auto) {
                c.setAutoCommit(false);
            }
            try {
                boolean alone = batch.size() == 1;
                boolean whole = true;
                for (Change<?> change : batch) {
                    if (!change.run(c, answers, savepoints && !alone)) {
                        whole = false; // part of a failed change is in the transaction
                        oneByOne = !alone; // alone: its failure is the answer, and nothing is committed
                        break;
                    }
                }
                if (whole) {
                    c.commit();
                } else {
                    c.rollback();
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                if (auto) {
                    c.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            if (batch.size() > 1 && Database.isTransactionRollback(e)) {
                // A deadlock with another node's batch (or a lock timeout): the database rolled the whole batch back.
                // Each change again, alone, so that none fails for its neighbours.
                LOG.log(
                        Level.INFO,
                        "A batch of " + batch.size() + " changes was rolled back; running them one by one",
                        e);
                batch.forEach(change -> commit(List.of(change)));
                return;
            }
            LOG.log(Level.WARNING, "A batch of " + batch.size() + " changes failed to commit", e);
            batch.forEach(change -> change.done().completeExceptionally(e));
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "A batch of " + batch.size() + " changes failed to commit", e);
            batch.forEach(change -> change.done().completeExceptionally(e));
            return;
        }
        if (oneByOne) {
            batch.forEach(change -> commit(List.of(change)));
            return;
        }
        answers.forEach(Runnable::run);
    }

    void close() {
        open = false;
        writer.interrupt();
    }
}
