package org.hwpersonality.repository.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import javax.persistence.EntityManagerFactory;
import javax.sql.DataSource;
import org.apache.derby.jdbc.EmbeddedDataSource;
import org.eclipse.persistence.jpa.PersistenceProvider;

/** The persistence unit {@code hwp} outside OSGi, on a DataSource the test chose, schema migrated. */
public final class TestDatabase implements AutoCloseable {
    public final DataSource dataSource;
    public final EntityManagerFactory emf;
    public final Database database;

    private TestDatabase(DataSource dataSource) {
        this.dataSource = dataSource;
        this.emf = new PersistenceProvider()
                .createEntityManagerFactory("hwp", Map.of("javax.persistence.nonJtaDataSource", dataSource));
        this.database = new Database(dataSource, emf);
    }

    /** A new embedded Derby database under {@code target/}; durable, as in the distribution. */
    public static TestDatabase derby() {
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName(
                Path.of("target", "derby", UUID.randomUUID().toString()).toString());
        ds.setCreateDatabase("create");
        return new TestDatabase(ds);
    }

    /** A new database on the test PostgreSQL server. */
    public static TestDatabase postgres() {
        return new TestDatabase(PostgresServer.get().newDatabase());
    }

    @Override
    public void close() {
        emf.close();
    }
}
