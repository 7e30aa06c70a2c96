package org.hwpersonality.repository.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.derby.jdbc.EmbeddedDataSource;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.hwpersonality.api.KernelVersion;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.profile.Lineage;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.WorkloadProfile;
import org.hwpersonality.api.vm.VirtualMachine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upgrading a single-node database of release 0.1.0 (schema version 3) keeps every row. The database is built as
 * that release leaves it — Flyway to version 3, then the rows that release's classes wrote, in every table and column
 * — and snapshotted; then HWP starts on it as usual ({@link Database}, which migrates to the latest version). Every
 * snapshotted row must still be there with the same values in the release's columns, and the repository classes
 * must still read it. Later migrations may add tables, columns and rows; they may not drop or change what the
 * release wrote.
 *
 * <p>The rows are plain SQL INSERTs ({@code upgrade/release-0.1.0-schema-3.sql}), not calls of the repository
 * classes: the classes in this tree follow the latest schema and cannot write a version-3 database once a later
 * migration exists. The script was produced by the release's own classes (see its header), so the rows are what an
 * installation of that release holds. A later release gets a fixture of its own the same way.
 */
class ReleaseUpgradeTest {
    private static final String RELEASE = "0.1.0";
    private static final String RELEASE_SCHEMA = "3";
    private static final String FIXTURE = "/upgrade/release-0.1.0-schema-3.sql";
    /** Flyway's own bookkeeping, not HWP's data: Flyway may change it when it is upgraded. */
    private static final String HISTORY = "HWP_SCHEMA_HISTORY";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"derby", "postgres"})
    void upgradingTheReleaseDatabaseKeepsEveryRow(String database) throws Exception {
        DataSource raw = newDatabase(database);
        SchemaMigrations.configuration(raw)
                .target(MigrationVersion.fromVersion(RELEASE_SCHEMA))
                .load()
                .migrate();
        load(raw, FIXTURE);
        Map<String, List<Map<String, Object>>> release = snapshot(raw, null);
        assertTheFixtureFillsEveryColumn(release);

        try (TestDatabase upgraded = TestDatabase.on(raw)) {
            assertThat(upgraded.database.schemaVersion())
                    .as("the start-up migration reaches the latest version")
                    .isEqualTo(latestVersion(raw));

            Map<String, List<Map<String, Object>>> after = snapshot(raw, release);
            for (Map.Entry<String, List<Map<String, Object>>> table : release.entrySet()) {
                assertThat(after.get(table.getKey()))
                        .as("the rows of %s written by release %s, in its columns", table.getKey(), RELEASE)
                        .containsAll(table.getValue());
            }
            theRepositoryStillReadsThem(upgraded.database, release);
            regionsAreRecordedAsTheTenantsWhoseDataTheyMayHold(raw);
        }
    }

    /**
     * Schema 8: the region an allocation holds is its VM's tenant's ({@code default} for every VM of the release), a
     * FREE region that still holds an image is the default tenant's, an empty one nobody's.
     */
    private static void regionsAreRecordedAsTheTenantsWhoseDataTheyMayHold(DataSource ds) throws SQLException {
        Map<String, String> tenants = new java.util.TreeMap<>();
        try (java.sql.Connection c = ds.getConnection();
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT DEVICE_ID, REGION_ID, TENANT FROM HWP_REGION")) {
            while (rs.next()) {
                tenants.put(rs.getString(1) + "/" + rs.getString(2), String.valueOf(rs.getString(3)));
            }
        }
        assertThat(tenants)
                .containsEntry("sim-u250-0/0", "default")
                .containsEntry("sim-u250-0/1", "default")
                .containsEntry("sim-pac-0/0", "null");
    }

    private static DataSource newDatabase(String kind) {
        if (kind.equals("postgres")) {
            return PostgresServer.get().newDatabase();
        }
        EmbeddedDataSource ds = new EmbeddedDataSource();
        ds.setDatabaseName(
                Path.of("target", "derby", "upgrade-" + UUID.randomUUID()).toString());
        ds.setCreateDatabase("create");
        return ds;
    }

    /** The highest version among the migrations HWP ships. */
    private static String latestVersion(DataSource ds) {
        MigrationInfo[] all = SchemaMigrations.configuration(ds).load().info().all();
        return all[all.length - 1].getVersion().getVersion();
    }

    /** Runs the statements of a script (each ends with ';' outside quotes; '--' lines are comments) in one transaction. */
    private static void load(DataSource ds, String resource) throws IOException, SQLException {
        String script;
        try (InputStream in = ReleaseUpgradeTest.class.getResourceAsStream(resource)) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String sql : statements(script)) {
                s.execute(sql);
            }
            c.commit();
        }
    }

    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < script.length(); i++) {
            char ch = script.charAt(i);
            if (!quoted && current.toString().isBlank() && script.startsWith("--", i)) {
                int end = script.indexOf('\n', i);
                i = end < 0 ? script.length() : end;
                continue;
            }
            if (ch == '\'') {
                quoted = !quoted;
            }
            if (ch == ';' && !quoted) {
                out.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(ch);
            }
        }
        assertThat(current.toString())
                .as("the script ends with a complete statement")
                .isBlank();
        return out;
    }

    /**
     * Every row of every HWP table, in the columns of {@code columnsOf} (the release's snapshot) or, when that is
     * null, in all columns; table and column names in upper case, values as JDBC reads them (large objects as text).
     */
    private static Map<String, List<Map<String, Object>>> snapshot(
            DataSource ds, Map<String, List<Map<String, Object>>> columnsOf) throws SQLException {
        Map<String, List<Map<String, Object>>> tables = new TreeMap<>();
        try (Connection c = ds.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            Map<String, List<String>> columns = new TreeMap<>();
            try (ResultSet rs = md.getColumns(null, c.getSchema(), "%", "%")) {
                while (rs.next()) {
                    String table = rs.getString("TABLE_NAME");
                    if (!table.toUpperCase(Locale.ROOT).equals(HISTORY)) {
                        columns.computeIfAbsent(table, t -> new ArrayList<>()).add(rs.getString("COLUMN_NAME"));
                    }
                }
            }
            try (ResultSet rs = md.getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
                List<String> names = new ArrayList<>();
                while (rs.next()) {
                    names.add(rs.getString("TABLE_NAME"));
                }
                columns.keySet().retainAll(names);
            }
            try (Statement s = c.createStatement()) {
                for (Map.Entry<String, List<String>> table : columns.entrySet()) {
                    String name = table.getKey().toUpperCase(Locale.ROOT);
                    List<String> wanted = table.getValue();
                    if (columnsOf != null) {
                        List<Map<String, Object>> old = columnsOf.get(name);
                        if (old == null || old.isEmpty()) {
                            continue; // a table of a later version
                        }
                        wanted = new ArrayList<>(old.get(0).keySet());
                        List<String> present = table.getValue().stream()
                                .map(n -> n.toUpperCase(Locale.ROOT))
                                .toList();
                        assertThat(present)
                                .as("the columns of %s that release %s wrote", name, RELEASE)
                                .containsAll(wanted);
                    }
                    List<Map<String, Object>> rows = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery("SELECT " + String.join(", ", wanted) + " FROM " + name)) {
                        while (rs.next()) {
                            Map<String, Object> row = new LinkedHashMap<>();
                            for (int i = 0; i < wanted.size(); i++) {
                                row.put(wanted.get(i).toUpperCase(Locale.ROOT), value(rs.getObject(i + 1)));
                            }
                            rows.add(row);
                        }
                    }
                    tables.put(name, rows);
                }
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        }
        if (columnsOf != null) {
            assertThat(tables.keySet()).as("the tables of release %s", RELEASE).containsAll(columnsOf.keySet());
        }
        return tables;
    }

    private static Object value(Object v) throws SQLException {
        if (v instanceof Clob clob) {
            return clob.getSubString(1, (int) clob.length());
        }
        if (v instanceof Blob blob) {
            return HexFormat.of().formatHex(blob.getBytes(1, (int) blob.length()));
        }
        if (v instanceof byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
        return v;
    }

    /** The fixture is only a test of the upgrade if it puts something in every table and column of the release. */
    private static void assertTheFixtureFillsEveryColumn(Map<String, List<Map<String, Object>>> release) {
        assertThat(release).as("tables of schema version %s", RELEASE_SCHEMA).hasSizeGreaterThanOrEqualTo(10);
        release.forEach((table, rows) -> {
            assertThat(rows).as("rows of %s", table).isNotEmpty();
            for (String column : rows.get(0).keySet()) {
                assertThat(rows)
                        .as("%s.%s is written by at least one row", table, column)
                        .anyMatch(r -> r.get(column) != null);
            }
        });
    }

    private static void theRepositoryStillReadsThem(Database database, Map<String, List<Map<String, Object>>> release) {
        JpaProfileRepository profiles = new JpaProfileRepository(database);
        for (Map<String, Object> row : release.get("HWP_PROFILE")) {
            String id = (String) row.get("PERSONALITY_ID");
            PersonalityProfile p = profiles.find(id).orElseThrow(() -> new AssertionError("profile " + id));
            assertThat(p.name()).isEqualTo(row.get("NAME"));
            assertThat(p.version()).isEqualTo(((Number) row.get("PROFILE_VERSION")).intValue());
            assertThat(p.compatibility().vendor()).isEqualTo(row.get("VENDOR"));
            assertThat(p.compatibility().family()).isEqualTo(row.get("FAMILY"));
            assertThat(p.origin().name()).isEqualTo(row.get("ORIGIN"));
            assertThat(p.status().name()).isEqualTo(row.get("STATUS"));
            assertThat(p.lineage().map(Lineage::parentId)).isEqualTo(Optional.ofNullable(row.get("PARENT_ID")));
            assertThat(p.createdAt()).isEqualTo(((Timestamp) row.get("CREATED_AT")).toInstant());
            assertThat(p.workloads())
                    .as("workloads of %s", id)
                    .extracting(WorkloadProfile::workload, w -> w.performance().throughputGops())
                    .containsExactlyInAnyOrderElementsOf(release.get("HWP_PROFILE_WORKLOAD").stream()
                            .filter(w -> id.equals(w.get("PERSONALITY_ID")))
                            .map(w -> org.assertj.core.groups.Tuple.tuple(w.get("WORKLOAD"), w.get("THROUGHPUT_GOPS")))
                            .toList());
        }
        assertThat(profiles.count())
                .isGreaterThanOrEqualTo(release.get("HWP_PROFILE").size());

        JpaDeviceRecords devices = new JpaDeviceRecords(database);
        for (Map<String, Object> row : release.get("HWP_DEVICE")) {
            String id = (String) row.get("ID");
            Device d = devices.device(id).orElseThrow(() -> new AssertionError("device " + id));
            assertThat(d.model()).isEqualTo(row.get("MODEL"));
            assertThat(d.state().name()).isEqualTo(row.get("STATE"));
            assertThat(d.health().healthy()).isEqualTo(row.get("HEALTHY"));
            assertThat(d.health().temperatureCelsius()).isEqualTo(Optional.ofNullable(row.get("TEMPERATURE_C")));
            for (Map<String, Object> r : release.get("HWP_REGION")) {
                if (id.equals(r.get("DEVICE_ID"))) {
                    Region region = d.region((String) r.get("REGION_ID")).orElseThrow();
                    assertThat(region.state().name()).isEqualTo(r.get("STATE"));
                    assertThat(region.loadedPersonalityId())
                            .isEqualTo(Optional.ofNullable(r.get("LOADED_PERSONALITY_ID")));
                    assertThat(region.loadedImage().map(Sha256::hex))
                            .isEqualTo(Optional.ofNullable(r.get("LOADED_IMAGE")));
                    assertThat(region.capacity().memoryMb()).isEqualTo(r.get("MEMORY_MB"));
                }
            }
        }

        JpaVmRecords vms = new JpaVmRecords(database);
        for (Map<String, Object> row : release.get("HWP_VM")) {
            String id = (String) row.get("ID");
            VirtualMachine vm = vms.find(id).orElseThrow(() -> new AssertionError("VM " + id));
            assertThat(vm.name()).isEqualTo(row.get("NAME"));
            assertThat(vm.os().family()).isEqualTo(row.get("OS_FAMILY"));
            assertThat(vm.os().kernel().map(KernelVersion::text)).isEqualTo(Optional.ofNullable(row.get("OS_KERNEL")));
            assertThat(vm.tokenRevoked()).isEqualTo(row.get("TOKEN_REVOKED"));
            assertThat(vm.registeredAt()).isEqualTo(((Timestamp) row.get("REGISTERED_AT")).toInstant());
            Optional<VirtualMachine> byToken = vms.findByToken(Sha256.of((String) row.get("TOKEN_HASH")));
            if (vm.tokenRevoked()) {
                assertThat(byToken).as("a revoked token stays revoked").isEmpty();
            } else {
                assertThat(byToken).as("VM %s by its token", id).contains(vm);
            }
        }

        SqlAllocationRecords allocations = new SqlAllocationRecords(database, new DatabaseSignals(database));
        for (Map<String, Object> row : release.get("HWP_ALLOCATION")) {
            String id = (String) row.get("ID");
            Allocation a = allocations.find(id).orElseThrow(() -> new AssertionError("allocation " + id));
            assertThat(a.vmId()).isEqualTo(row.get("VM_ID"));
            assertThat(a.state().name()).isEqualTo(row.get("STATE"));
            assertThat(a.personalityId()).isEqualTo(row.get("PERSONALITY_ID"));
            assertThat(a.deviceId()).isEqualTo(row.get("DEVICE_ID"));
            assertThat(a.regionId()).isEqualTo(row.get("REGION_ID"));
            assertThat(a.driverPackageId()).isEqualTo(Optional.ofNullable(row.get("DRIVER_PACKAGE_ID")));
            assertThat(a.previousAllocationId()).isEqualTo(Optional.ofNullable(row.get("PREVIOUS_ALLOCATION_ID")));
            assertThat(a.request().workload()).isEqualTo(row.get("WORKLOAD"));
            assertThat(a.request().requirements().minThroughputGops())
                    .isEqualTo(Optional.ofNullable(row.get("MIN_THROUGHPUT_GOPS")));
            assertThat(a.createdAt()).isEqualTo(((Timestamp) row.get("CREATED_AT")).toInstant());
            assertThat(a.updatedAt()).isEqualTo(((Timestamp) row.get("UPDATED_AT")).toInstant());
            if (row.get("HELD_VM") != null) {
                assertThat(allocations.ofVm(a.vmId()))
                        .as("what VM %s holds", a.vmId())
                        .contains(a);
            }
        }

        JpaArtifactRecords artifacts = new JpaArtifactRecords(database);
        for (Map<String, Object> row : release.get("HWP_BITSTREAM")) {
            assertThat(artifacts.bitstream(Sha256.of((String) row.get("SHA256"))))
                    .hasValueSatisfying(b -> assertThat(b.name()).isEqualTo(row.get("NAME")));
        }
        for (Map<String, Object> row : release.get("HWP_DRIVER_PACKAGE")) {
            DriverPackage p = artifacts.driverPackage((String) row.get("ID")).orElseThrow();
            assertThat(p.archiveSha256().hex()).isEqualTo(row.get("ARCHIVE_SHA256"));
            assertThat(p.version()).isEqualTo(row.get("PACKAGE_VERSION"));
        }
        assertThat(artifacts.referencedBlobs())
                .as("blobs the release's records refer to are not garbage after the upgrade")
                .containsAll(release.get("HWP_DRIVER_PACKAGE").stream()
                        .map(r -> Sha256.of((String) r.get("ARCHIVE_SHA256")))
                        .toList());

        JpaEventLog events = new JpaEventLog(database);
        List<Map<String, Object>> audit = release.get("HWP_EVENT");
        for (Map<String, Object> row : audit) {
            String subject = (String) row.get("SUBJECT_ID");
            assertThat(events.newest(audit.size(), subject))
                    .extracting(HwpEvent::topic)
                    .contains((String) row.get("TOPIC"));
        }
        long newest = audit.stream()
                .mapToLong(r -> ((Number) r.get("SEQUENCE_NO")).longValue())
                .max()
                .orElseThrow();
        assertThat(events.append("org/hwpersonality/test/UPGRADED", "upgrade", "test", Map.of())
                        .sequence())
                .as("the audit log goes on after the release's rows")
                .isGreaterThan(newest);
    }
}
