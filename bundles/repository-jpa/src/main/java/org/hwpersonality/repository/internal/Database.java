package org.hwpersonality.repository.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.EntityTransaction;
import javax.persistence.OptimisticLockException;
import javax.persistence.PersistenceException;
import javax.sql.DataSource;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;

/**
 * The HWP database: brings the schema up to date when it starts, then runs resource-local transactions over
 * the persistence unit {@code hwp}. A failed commit rolls back; a constraint violation or a lost
 * optimistic-lock race becomes a {@link ErrorCode#CONFLICT}. Made and registered as a service by {@link
 * DatabaseConnector} once the database answers and its schema is up to date.
 */
public final class Database {

    private final DataSource dataSource;
    private final GroupCommit groupCommit;
    private final EntityManagerFactory emf;
    private final String schemaVersion;
    private final boolean postgres;

    /** Work on a JDBC connection inside a transaction. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T apply(Connection connection) throws SQLException;
    }

    /** Migrates the schema of {@code dataSource}, then serves transactions of {@code emf} (which uses it). */
    public Database(DataSource dataSource, EntityManagerFactory emf) {
        this.schemaVersion = SchemaMigrations.migrate(dataSource);
        this.postgres = SchemaMigrations.isPostgres(dataSource);
        this.dataSource = dataSource;
        this.emf = emf;
        // A savepoint per change costs little in Derby, which runs in this process, and a round trip on PostgreSQL.
        this.groupCommit = new GroupCommit(dataSource, Database::sqlFailure, !postgres);
    }

    void close() {
        groupCommit.close();
    }

    /** The schema version the database is at. */
    public String schemaVersion() {
        return schemaVersion;
    }

    /** Whether the database is PostgreSQL (else embedded Derby, one node). */
    public boolean postgres() {
        return postgres;
    }

    /** A connection of the pool for the caller alone, until it closes it (a LISTEN session). */
    Connection dedicatedConnection() throws SQLException {
        return dataSource.getConnection();
    }

    /** Runs {@code work} in one transaction and commits it. */
    public <T> T inTransaction(Function<EntityManager, T> work) {
        EntityManager em = emf.createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } catch (OptimisticLockException e) {
            throw new HwpException(ErrorCode.CONFLICT, "a concurrent change won; try again", e);
        } catch (PersistenceException e) {
            if (isConstraintViolation(e)) {
                throw new HwpException(
                        ErrorCode.CONFLICT, "the change conflicts with stored data: " + rootMessage(e), e);
            }
            throw e;
        } finally {
            if (tx.isActive()) {
                tx.rollback();
            }
            em.close();
        }
    }

    /**
     * Runs {@code work} on JDBC in a transaction and returns once that is committed: for the allocation path, where
     * a few known statements per step cost a fraction of a unit of work. Changes queued together share one
     * transaction and one wait for the log ({@link GroupCommit}), each under its own savepoint, so {@code work} must
     * not commit, roll back or hold state across calls. Errors map as in {@link #inTransaction}.
     */
    public <T> T inJdbcTransaction(SqlWork<T> work) {
        return groupCommit.run(work);
    }

    /**
     * Runs read-only {@code work} on a pooled connection. The distribution's pool hands out connections with
     * auto-commit off ({@code hikari.autoCommit = false}): a read then ends with a rollback, which Derby does not
     * write to its log, where every commit, even of a read or of a switch of auto-commit, may wait for a log flush.
     */
    public <T> T jdbcRead(SqlWork<T> work) {
        return retryingRead(() -> {
            try (Connection c = dataSource.getConnection()) {
                T result = work.apply(c);
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                return result;
            } catch (SQLException e) {
                throw sqlFailure(e);
            }
        });
    }

    /**
     * Runs {@code work} on a connection of its own in one transaction and commits it: for writes too large to share a
     * group commit, such as a blob's chunks. Errors map as in {@link #inTransaction}; nothing is retried.
     */
    public <T> T inOwnJdbcTransaction(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            if (auto) {
                c.setAutoCommit(false);
            }
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                if (auto) {
                    c.setAutoCommit(true);
                }
            }
        } catch (SQLException e) {
            throw sqlFailure(e);
        }
    }

    /** The most times a read runs when the database rolls it back each time. */
    static final int READ_ATTEMPTS = 3;

    /**
     * Runs a read again when the database rolled it back: chosen as the victim of a deadlock with a writer (a read
     * under READ COMMITTED holds the lock of the row it is on while it waits for the next one) or timed out waiting
     * for a lock. A read changes nothing, so running it again is safe; after {@link #READ_ATTEMPTS} the caller
     * gets a CONFLICT to retry, not an internal error.
     */
    private static <T> T retryingRead(Supplier<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (RuntimeException e) {
                if (!isTransactionRollback(e)) {
                    throw e;
                }
                if (attempt == READ_ATTEMPTS) {
                    throw e instanceof HwpException ? e : rolledBack(e);
                }
            }
        }
    }

    private static RuntimeException sqlFailure(SQLException e) {
        if (isTransactionRollback(e)) {
            return rolledBack(e);
        }
        if (isConstraintViolation(e)) {
            return new HwpException(ErrorCode.CONFLICT, "the change conflicts with stored data: " + rootMessage(e), e);
        }
        return new PersistenceException("HWP database: " + rootMessage(e), e);
    }

    /** Runs read-only {@code work} outside a transaction; again if the database rolls it back (as {@link #jdbcRead}). */
    public <T> T read(Function<EntityManager, T> work) {
        return retryingRead(() -> {
            EntityManager em = emf.createEntityManager();
            try {
                return work.apply(em);
            } finally {
                em.close();
            }
        });
    }

    /** The database rolled {@code e}'s transaction back: a CONFLICT the caller may retry. */
    private static HwpException rolledBack(Throwable e) {
        return new HwpException(ErrorCode.CONFLICT, "a concurrent change won; try again: " + rootMessage(e), e);
    }

    /** SQLState class 23: integrity constraint violation (unique key, foreign key, not null). */
    private static boolean isConstraintViolation(Throwable e) {
        return hasSqlStateClass(e, "23");
    }

    /** SQLState class 40: the database rolled the transaction back (deadlock, serialization failure, lock timeout). */
    static boolean isTransactionRollback(Throwable e) {
        return hasSqlStateClass(e, "40");
    }

    /** Whether {@code e}, a cause of it, or an exception chained to one of those has a SQLState of that class. */
    private static boolean hasSqlStateClass(Throwable e, String sqlStateClass) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (SQLException x = t instanceof SQLException sql ? sql : null; x != null; x = x.getNextException()) {
                if (x.getSQLState() != null && x.getSQLState().startsWith(sqlStateClass)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.toString() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
