package org.hwpersonality.repository.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import javax.persistence.EntityManagerFactory;
import javax.sql.DataSource;
import org.apache.derby.jdbc.EmbeddedDataSource;
import org.eclipse.persistence.jpa.PersistenceProvider;

/**
 * The persistence unit {@code hwp} outside OSGi, schema migrated, on a database the test chose behind a
 * HikariCP pool, as pax-jdbc-config builds it in the distribution ({@code pool=hikari}).
 */
public final class TestDatabase implements AutoCloseable {
    public final DataSource dataSource;
    public final EntityManagerFactory emf;
    public final Database database;
    private final HikariDataSource pool;
    private final DataSource unpooled;

    private TestDatabase(DataSource unpooled) {
        this.unpooled = unpooled;
        HikariConfig config = new HikariConfig();
        config.setDataSource(unpooled);
        config.setMaximumPoolSize(16);
        config.setMinimumIdle(2);
        this.pool = new HikariDataSource(config);
        this.dataSource = pool;
        this.emf = new PersistenceProvider()
                .createEntityManagerFactory("hwp", Map.of("javax.persistence.nonJtaDataSource", pool));
        this.database = new Database(pool, emf);
    }

    /** A new embedded Derby database under {@code target/}; durable, as in the distribution. */
    public static TestDatabase derby() {
        return derbyAt(Path.of("target", "derby", UUID.randomUUID().toString()));
    }

    /** The embedded Derby database in {@code directory}, created if missing; durable, as in the distribution. */
    public static TestDatabase derbyAt(Path directory) {
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName(directory.toString());
        ds.setCreateDatabase("create");
        return new TestDatabase(ds);
    }

    /** The database behind {@code unpooled}, as HWP opens it at start: migrated to the latest schema version. */
    public static TestDatabase on(DataSource unpooled) {
        return new TestDatabase(unpooled);
    }

    /** A new database on the test PostgreSQL server. */
    public static TestDatabase postgres() {
        return new TestDatabase(PostgresServer.get().newDatabase());
    }

    /**
     * Another connection pool and persistence unit on the same database as {@code other} (PostgreSQL): what a second
     * node sharing the database has.
     */
    public static TestDatabase sameDatabaseAs(TestDatabase other) {
        return new TestDatabase(other.unpooled);
    }

    /** The database without the pool, for a test that builds its own persistence unit on it. */
    public DataSource unpooledForTests() {
        return unpooled;
    }

    @Override
    public void close() {
        database.close();
        emf.close();
        pool.close();
    }
}
