package org.hwpersonality.repository.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the schema to the current version with the Flyway migrations in {@code db/migration}: a new database
 * gets every version, an existing one the versions it lacks, so an upgrade keeps the data.
 */
public final class SchemaMigrations {
    private SchemaMigrations() {}

    /** Migrates and returns the schema version now in place. */
    public static String migrate(DataSource dataSource) {
        boolean derby = isDerby(dataSource);
        Flyway flyway = Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .table("HWP_SCHEMA_HISTORY")
                .placeholders(Map.of(
                        "text_type", derby ? "CLOB" : "TEXT",
                        "binary_type", derby ? "BLOB" : "BYTEA"))
                .load();
        MigrateResult result = flyway.migrate();
        return result.targetSchemaVersion != null
                ? result.targetSchemaVersion
                : flyway.info().current().getVersion().getVersion();
    }

    /**
     * Whether the database is Derby, whose unbounded types are CLOB and BLOB; elsewhere (PostgreSQL) they are TEXT
     * and BYTEA.
     */
    private static boolean isDerby(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName();
            return product.toLowerCase(java.util.Locale.ROOT).contains("derby");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the HWP database: " + e.getMessage(), e);
        }
    }
}
