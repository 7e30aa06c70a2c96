package org.hwpersonality.repository.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the schema to the current version with the Flyway migrations in {@code db/migration}: a new database
 * gets every version, an existing one the versions it lacks, so an upgrade keeps the data.
 */
public final class SchemaMigrations {
    private SchemaMigrations() {}

    /** Migrates and returns the schema version now in place. */
    public static String migrate(DataSource dataSource) {
        Flyway flyway = configuration(dataSource).load();
        MigrateResult result = flyway.migrate();
        return result.targetSchemaVersion != null
                ? result.targetSchemaVersion
                : flyway.info().current().getVersion().getVersion();
    }

    /** Whether {@code dataSource} is a PostgreSQL database. */
    static boolean isPostgres(DataSource dataSource) {
        return product(dataSource).contains("postgres");
    }

    /**
     * How HWP runs Flyway on {@code dataSource}: its migrations, history table and placeholders (the unbounded
     * types: CLOB and BLOB on Derby, TEXT and BYTEA elsewhere, i.e. PostgreSQL). The upgrade test builds a database
     * of an earlier release from it, with a target version.
     */
    static FluentConfiguration configuration(DataSource dataSource) {
        boolean derby = product(dataSource).contains("derby");
        return Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .table("HWP_SCHEMA_HISTORY")
                .placeholders(Map.of("text_type", derby ? "CLOB" : "TEXT", "binary_type", derby ? "BLOB" : "BYTEA"));
    }

    /** The database product's name, lower case. */
    private static String product(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the HWP database: " + e.getMessage(), e);
        }
    }
}
