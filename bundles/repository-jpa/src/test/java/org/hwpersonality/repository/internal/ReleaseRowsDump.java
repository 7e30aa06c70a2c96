package org.hwpersonality.repository.internal;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.artifact.Bitstream;
import org.hwpersonality.api.artifact.DriverFile;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.api.backend.DeviceDescriptor;
import org.hwpersonality.api.backend.RegionDescriptor;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceHealth;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.profile.Lineage;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.store.AllocationRecords;
import org.hwpersonality.api.vm.VirtualMachine;
import org.junit.jupiter.api.Test;

/**
 * Wrote {@code upgrade/release-0.1.0-schema-3.sql}: the release's rows through its own classes, dumped as portable
 * SQL. Run by hand, on the release it describes, from bundles/repository-jpa.
 */
@org.junit.jupiter.api.Disabled("run by hand to write the fixture of a release")
class ReleaseRowsDump {
    static final Instant T0 = Instant.parse("2026-11-20T09:15:00.250000Z");

    @Test
    void dump() throws Exception {
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        try (TestDatabase db = TestDatabase.derby()) {
            write(db);
            dumpTo(db, Path.of("src/test/resources/upgrade/release-0.1.0-schema-3.sql"));
        }
    }

    private static void write(TestDatabase db) {
        JpaProfileRepository profiles = new JpaProfileRepository(db.database);
        List<PersonalityProfile> samples = SampleCatalogue.profiles(T0);
        profiles.storeAll(samples);
        PersonalityProfile parent = samples.get(0);
        PersonalityProfile derived = new PersonalityProfile(
                parent.name() + "-adj-3f9c2a71-v1",
                parent.name() + "-adj-3f9c2a71",
                1,
                "derived from " + parent.personalityId() + " for a latency goal",
                parent.compatibility(),
                parent.workloads(),
                parent.osSupport(),
                parent.fabric(),
                parent.memoryMap(),
                parent.peripherals(),
                parent.tunables(),
                Origin.DERIVED,
                Optional.of(new Lineage(
                        parent.personalityId(), Map.of("kernelClockMhz", 250.0), "latency goal of 2000 µs")),
                ProfileStatus.ACTIVE,
                T0.plusSeconds(60));
        profiles.store(derived);
        profiles.retire(samples.get(samples.size() - 1).personalityId());

        JpaArtifactRecords artifacts = new JpaArtifactRecords(db.database);
        artifacts.saveBitstream(new Bitstream(
                parent.fabric().bitstream(),
                parent.name() + ".sim",
                parent.compatibility().vendor(),
                ImageFormat.SIM,
                4_194_304,
                Optional.of("8c2e0b3a9d4f4e1b8a6c5d7e9f0a1b2c"),
                T0));
        artifacts.saveBitstream(new Bitstream(
                Sha256.of("5e".repeat(32)),
                "zstd.xclbin",
                "xilinx",
                ImageFormat.XCLBIN,
                58_000_000,
                Optional.empty(),
                T0));
        DriverPackage driver = new DriverPackage(
                "xrt-zstd-2.16.204-linux-x86_64",
                "xrt-zstd",
                "2.16.204",
                "linux",
                KernelRange.parse("[5.4,6.9)"),
                "x86_64",
                List.of(
                        parent.personalityId(),
                        "family:" + parent.compatibility().family()),
                List.of(new DriverFile(
                        "lib/modules/xocl.ko", DriverFile.Kind.MODULE, 4096, Sha256.of("f0".repeat(32)))),
                List.of("insmod lib/modules/xocl.ko"),
                Sha256.of("a1".repeat(32)),
                8192,
                "c2lnbmF0dXJlIG9mIHRoZSByZXBvc2l0b3J5",
                T0);
        artifacts.saveDriverPackage(driver);

        JpaDeviceRecords devices = new JpaDeviceRecords(db.database);
        Resources capacity = new Resources(400_000, 800_000, 600, 2_000, 4_096);
        Device card = devices.report(
                "sim",
                "xilinx",
                new DeviceDescriptor(
                        "sim-u250-0",
                        "xilinx",
                        "Simulated Alveo U250",
                        "alveo-u250",
                        "8c2e0b3a9d4f4e1b8a6c5d7e9f0a1b2c",
                        List.of(
                                new RegionDescriptor(
                                        "0", RegionKind.PARTIAL, capacity, Optional.empty(), Optional.empty()),
                                new RegionDescriptor(
                                        "1",
                                        RegionKind.PARTIAL,
                                        capacity,
                                        Optional.of(Sha256.of("c3".repeat(32))),
                                        Optional.empty())),
                        new DeviceHealth(true, "ok", Optional.of(48.5))));
        devices.report(
                "sim",
                "intel",
                new DeviceDescriptor(
                        "sim-pac-0",
                        "intel",
                        "Simulated PAC A10",
                        "pac-a10",
                        "9aeffe5f84570612c0e0a1b2c3d4e5f6",
                        List.of(new RegionDescriptor(
                                "0",
                                RegionKind.FULL,
                                new Resources(300_000, 600_000, 400, 1_500, 8_192),
                                Optional.empty(),
                                Optional.empty())),
                        new DeviceHealth(false, "fan failure reported by the board", Optional.empty())));
        devices.setState("sim-pac-0", DeviceState.DRAINING);

        JpaVmRecords vms = new JpaVmRecords(db.database);
        VirtualMachine web1 = vms.register(
                new VirtualMachine(
                        "vm-019aa1b2c3d4a1b2c3d4e5f60718", "web-1", OsInfo.of("linux", "5.15.0-91-generic"), false, T0),
                Sha256.of("11".repeat(32)),
                "karaf");
        VirtualMachine web2 = vms.register(
                new VirtualMachine(
                        "vm-019aa1b2c3d5b1b2c3d4e5f60729", "web-2", OsInfo.of("linux", null), false, T0.plusSeconds(1)),
                Sha256.of("22".repeat(32)),
                "karaf");
        VirtualMachine old = vms.register(
                new VirtualMachine(
                        "vm-019aa1b2c3d6c1b2c3d4e5f6073a",
                        "batch-7",
                        OsInfo.of("linux", "6.1.0"),
                        false,
                        T0.plusSeconds(2)),
                Sha256.of("33".repeat(32)),
                "karaf");
        vms.revokeToken(old.id(), "karaf");

        SqlAllocationRecords allocations = new SqlAllocationRecords(db.database);
        Region free0 = card.region("0").orElseThrow();
        Instant t = T0.plusSeconds(10);
        Allocation a1 = new Allocation(
                "alloc-019aa1b2d0e1a1b2c3d4e5f60801",
                web1.id(),
                new PersonalityRequest(
                        web1.id(),
                        web1.os(),
                        "compression",
                        new Requirements(
                                Optional.of(40.0), Optional.of(2000.0), Optional.of(75.0), Optional.of(4096L))),
                parent.personalityId(),
                card.id(),
                "0",
                AllocationState.RESERVED,
                Optional.of(driver.id()),
                Optional.empty(),
                t,
                t);
        allocations.reserve(a1, free0, Optional.empty(), "vm:" + web1.id());
        Region reserved =
                new Region("0", RegionKind.PARTIAL, capacity, RegionState.RESERVED, Optional.empty(), Optional.empty());
        Region programming = new Region(
                "0", RegionKind.PARTIAL, capacity, RegionState.PROGRAMMING, Optional.empty(), Optional.empty());
        Allocation a1p = a1.moveTo(AllocationState.PROGRAMMING, t.plusMillis(2));
        allocations.update(
                a1, a1p, Optional.of(new AllocationRecords.RegionChange(reserved, programming)), "vm:" + web1.id());
        Region active = new Region(
                "0",
                RegionKind.PARTIAL,
                capacity,
                RegionState.ACTIVE,
                Optional.of(parent.personalityId()),
                Optional.of(parent.fabric().bitstream()));
        Allocation a1a = a1p.moveTo(AllocationState.ACTIVE, t.plusMillis(40));
        allocations.update(
                a1p, a1a, Optional.of(new AllocationRecords.RegionChange(programming, active)), "vm:" + web1.id());

        // A re-personalization in place: a1 is released, its successor programmed on the same region.
        Instant t2 = t.plusSeconds(300);
        Allocation a3 = new Allocation(
                "alloc-019aa1b2e0f2c1b2c3d4e5f60803",
                web1.id(),
                a1.request(),
                derived.personalityId(),
                card.id(),
                "0",
                AllocationState.RESERVED,
                Optional.of(driver.id()),
                Optional.of(a1.id()),
                t2,
                t2);
        allocations.reserve(a3, active, Optional.of(a1a), "vm:" + web1.id());
        Region reserved3 = new Region(
                "0",
                RegionKind.PARTIAL,
                capacity,
                RegionState.RESERVED,
                Optional.of(parent.personalityId()),
                Optional.of(parent.fabric().bitstream()));
        Region active3 = new Region(
                "0",
                RegionKind.PARTIAL,
                capacity,
                RegionState.ACTIVE,
                Optional.of(derived.personalityId()),
                Optional.of(Sha256.of("d4".repeat(32))));
        Allocation a3a = a3.moveTo(AllocationState.ACTIVE, t2.plusMillis(55));
        allocations.update(
                a3, a3a, Optional.of(new AllocationRecords.RegionChange(reserved3, active3)), "vm:" + web1.id());

        // A failed programming: the region goes back to what it held.
        Region free1 = card.region("1").orElseThrow();
        Allocation a2 = new Allocation(
                "alloc-019aa1b2d8e1b1b2c3d4e5f60802",
                web2.id(),
                new PersonalityRequest(
                        web2.id(),
                        web2.os(),
                        "ml-inference",
                        new Requirements(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())),
                samples.get(1).personalityId(),
                card.id(),
                "1",
                AllocationState.RESERVED,
                Optional.of(driver.id()),
                Optional.empty(),
                t.plusSeconds(1),
                t.plusSeconds(1));
        allocations.reserve(a2, free1, Optional.empty(), "karaf");
        Region reserved1 = new Region(
                "1", RegionKind.PARTIAL, capacity, RegionState.RESERVED, Optional.empty(), free1.loadedImage());
        allocations.update(
                a2,
                a2.moveTo(AllocationState.FAILED, t.plusSeconds(2)),
                Optional.of(new AllocationRecords.RegionChange(reserved1, free1)),
                "karaf");

        new JpaEventLog(db.database)
                .append("org/hwpersonality/vm/REGISTERED", web2.id(), "karaf", Map.of("name", "web-2"));
    }

    static final List<String> TABLES = List.of(
            "HWP_COUNTER",
            "HWP_PROFILE",
            "HWP_PROFILE_WORKLOAD",
            "HWP_DEVICE",
            "HWP_REGION",
            "HWP_VM",
            "HWP_ALLOCATION",
            "HWP_BITSTREAM",
            "HWP_DRIVER_PACKAGE",
            "HWP_EVENT");

    private static void dumpTo(TestDatabase db, Path file) throws Exception {
        Files.createDirectories(file.getParent());
        try (Connection c = db.dataSource.getConnection();
                Statement s = c.createStatement();
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            // The header comment of the committed file was added by hand.
            out.println("DELETE FROM HWP_COUNTER;");
            for (String table : TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY 1, 2")) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        List<String> names = new ArrayList<>();
                        List<String> values = new ArrayList<>();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            if (md.getColumnName(i).equals("SEQUENCE_NO")) {
                                continue;
                            }
                            names.add(md.getColumnName(i));
                            values.add(literal(rs.getObject(i)));
                        }
                        out.println("INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                                + String.join(", ", values) + ");");
                    }
                }
            }
        }
    }

    private static String literal(Object v) throws Exception {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Clob clob) {
            v = clob.getSubString(1, (int) clob.length());
        }
        if (v instanceof String text) {
            if (text.length() > 30_000) {
                throw new IllegalStateException("too long for a Derby literal: " + text.length());
            }
            return "'" + text.replace("'", "''") + "'";
        }
        if (v instanceof Timestamp ts) {
            String iso = ts.toString();
            return "{ts '" + iso + "'}";
        }
        if (v instanceof Boolean b) {
            return b ? "TRUE" : "FALSE";
        }
        return v.toString();
    }
}
