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
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData()
                    .getDatabaseProductName()
                    .toLowerCase(java.util.Locale.ROOT)
                    .contains("postgres");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the HWP database: " + e.getMessage(), e);
        }
    }

    /**
     * How HWP runs Flyway on {@code dataSource}: its migrations, history table and placeholders. The upgrade test
     * builds a database of an earlier release from it, with a target version.
     */
    static FluentConfiguration configuration(DataSource dataSource) {
        return Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .table("HWP_SCHEMA_HISTORY")
                .placeholders(Map.of("text_type", textType(dataSource)));
    }

    /** The unbounded text type of the database: CLOB on Derby, TEXT elsewhere (PostgreSQL). */
    private static String textType(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName();
            return product.toLowerCase(java.util.Locale.ROOT).contains("derby") ? "CLOB" : "TEXT";
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the HWP database: " + e.getMessage(), e);
        }
    }
}
