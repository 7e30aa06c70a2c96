package org.hwpersonality.repository.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.persistence.EntityManager;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
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
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceHealth;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.outcome.LearnedFigures;
import org.hwpersonality.api.outcome.Outcome;
import org.hwpersonality.api.profile.Compatibility;
import org.hwpersonality.api.profile.Lineage;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.service.ProfileQuery;
import org.hwpersonality.api.store.AllocationRecords;
import org.hwpersonality.api.store.OutcomeRecords;
import org.hwpersonality.api.store.ProgrammingTask;
import org.hwpersonality.api.store.Signals;
import org.hwpersonality.api.store.TaskRecords;
import org.hwpersonality.api.tenant.Tenant;
import org.hwpersonality.api.vm.VirtualMachine;
import org.hwpersonality.api.vm.VmLocation;
import org.hwpersonality.repository.internal.entity.AllocationEntity;
import org.hwpersonality.repository.internal.entity.BitstreamEntity;
import org.hwpersonality.repository.internal.entity.DeviceEntity;
import org.hwpersonality.repository.internal.entity.EventEntity;
import org.hwpersonality.repository.internal.entity.RegionEntity;
import org.hwpersonality.repository.internal.entity.RegionKey;
import org.hwpersonality.repository.internal.entity.VmEntity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The repository's behaviour, run unchanged against each database HWP supports (a subclass per database).
 * Each test class gets a fresh database; each test uses its own IDs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RepositoryContract {
    /** Timestamps at the precision both databases keep (Derby and PostgreSQL keep microseconds or better). */
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00.123456Z");

    private TestDatabase db;
    private JpaProfileRepository repository;
    private List<PersonalityProfile> samples;
    private String prefix;
    private int counter;

    protected abstract TestDatabase open();

    @BeforeAll
    void start() {
        db = open();
        repository = new JpaProfileRepository(db.database);
        samples = SampleCatalogue.profiles(T0);
    }

    @AfterAll
    void stop() {
        db.close();
    }

    @BeforeEach
    void freshIds() {
        prefix = "t" + (++counter) + "-";
    }

    /** A sample profile renamed into this test's own namespace. */
    private PersonalityProfile profile(int sample, String name) {
        PersonalityProfile p = samples.get(sample);
        return p.withIdentity(prefix + name + "-v1", prefix + name, 1);
    }

    private List<PersonalityProfile> mine(ProfileQuery query) {
        return repository.list(query).stream()
                .filter(p -> p.personalityId().startsWith(prefix))
                .toList();
    }

    private static ProfileQuery query(String workload, String vendor, boolean retired) {
        return new ProfileQuery(
                Optional.ofNullable(workload), Optional.ofNullable(vendor), retired, 0, ProfileQuery.MAX_LIMIT);
    }

    @Test
    void schemaIsMigratedAndMigrationIsIdempotent() {
        assertThat(db.database.schemaVersion()).isEqualTo("9");
        assertThat(SchemaMigrations.migrate(db.dataSource)).isEqualTo("9");
    }

    private Outcome outcome(String vm, String personality, double gops, double us, boolean under, Instant at) {
        return new Outcome(
                prefix + vm,
                prefix + "a-" + vm,
                prefix + personality,
                "dev-0",
                "xilinx_u250",
                "inference",
                Optional.of(gops),
                Optional.of(us),
                Optional.empty(),
                under,
                at);
    }

    @Test
    void outcomeHistoryLearnsQuantilesPerKeyAndForgetsWhatIsPurged() {
        OutcomeRecords outcomes = new SqlOutcomeRecords(db.database);
        LearnedFigures last = null;
        // Ten reports from two VMs: throughput 10, 20, ... 100 Gops, latency 1 ... 10 µs, no power.
        for (int i = 1; i <= 10; i++) {
            last = outcomes.record(outcome(i % 2 == 0 ? "vm-a" : "vm-b", "p", 10.0 * i, i, i <= 3, T0.plusSeconds(i)));
        }
        assertThat(last.samples()).isEqualTo(10);
        assertThat(last.vms()).isEqualTo(2);
        // R-7 quantiles: median of 10..100 is 55; 10th percentile 10 + 0.9 × 10 = 19; 90th of 1..10 is 9.1.
        assertThat(last.throughputMedian()).contains(55.0);
        assertThat(last.throughputLow().orElseThrow()).isCloseTo(19.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(last.latencyHigh().orElseThrow()).isCloseTo(9.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(last.powerMedian()).isEmpty();
        assertThat(last.flaggedAt()).isEmpty();
        assertThat(outcomes.learned(prefix + "p")).containsExactly(last);
        assertThat(outcomes.learned(prefix + "p", "xilinx_u250", "inference")).contains(last);
        assertThat(outcomes.learned(prefix + "p", "xilinx_u250", "training")).isEmpty();
        assertThat(outcomes.learned(10)).contains(last);
        assertThat(outcomes.learned(11)).doesNotContain(last);

        // Only the first three were under-delivered, from vm-b (odd) and vm-a (2).
        assertThat(outcomes.underDelivered(prefix + "vm-b", "inference", T0)).containsExactly(prefix + "p");
        assertThat(outcomes.underDelivered(prefix + "vm-b", "training", T0)).isEmpty();
        assertThat(outcomes.underDelivered(prefix + "vm-b", "inference", T0.plusSeconds(4)))
                .isEmpty();
        assertThat(outcomes.ofVm(prefix + "vm-a", 2))
                .extracting(Outcome::throughputGops)
                .containsExactly(Optional.of(100.0), Optional.of(80.0));

        // A flag is set once, and cleared once: exactly one caller sees each change.
        assertThat(outcomes.flag(prefix + "p", "xilinx_u250", "inference", true))
                .isTrue();
        assertThat(outcomes.flag(prefix + "p", "xilinx_u250", "inference", true))
                .isFalse();
        assertThat(outcomes.learned(prefix + "p").get(0).flaggedAt()).isPresent();
        assertThat(outcomes.flagged())
                .filteredOn(l -> l.personalityId().startsWith(prefix))
                .extracting(LearnedFigures::personalityId)
                .containsExactly(prefix + "p");
        assertThat(outcomes.flag(prefix + "p", "xilinx_u250", "inference", false))
                .isTrue();
        assertThat(outcomes.flag(prefix + "p", "xilinx_u250", "inference", false))
                .isFalse();
        assertThat(outcomes.flagged()).noneMatch(l -> l.personalityId().startsWith(prefix));

        // Purging the first five leaves 60..100 Gops: the median is recomputed from what stays.
        assertThat(outcomes.purgeBefore(T0.plusSeconds(6))).isGreaterThanOrEqualTo(5);
        LearnedFigures kept = outcomes.learned(prefix + "p").get(0);
        assertThat(kept.samples()).isEqualTo(5);
        assertThat(kept.throughputMedian()).contains(80.0);
    }

    @Test
    void everySampleProfileRoundTripsExactly() {
        List<PersonalityProfile> renamed = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            renamed.add(profile(i, "s" + i));
        }
        repository.storeAll(renamed);
        for (PersonalityProfile p : renamed) {
            assertThat(repository.find(p.personalityId())).contains(p);
        }
        assertThat(repository.find(prefix + "missing")).isEmpty();
    }

    @Test
    void anImportWithOneExistingProfileStoresNone() {
        PersonalityProfile a = profile(0, "a");
        repository.store(a);
        PersonalityProfile b = profile(1, "b");
        assertThatThrownBy(() -> repository.storeAll(List.of(b, a)))
                .isInstanceOf(HwpException.class)
                .hasMessageContaining("'" + a.personalityId() + "' exists already")
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.CONFLICT);
        assertThat(repository.find(b.personalityId())).isEmpty();
    }

    @Test
    void aNameAndVersionIsStoredOnce() {
        PersonalityProfile a = profile(0, "named");
        repository.store(a);
        PersonalityProfile sameVersion = new PersonalityProfile(
                prefix + "other-id",
                a.name(),
                1,
                "",
                a.compatibility(),
                a.workloads(),
                a.osSupport(),
                a.fabric(),
                a.memoryMap(),
                a.peripherals(),
                a.tunables(),
                Origin.ADMIN,
                Optional.empty(),
                ProfileStatus.ACTIVE,
                T0);
        assertThatThrownBy(() -> repository.store(sameVersion))
                .isInstanceOf(HwpException.class)
                .hasMessageContaining("version 1 exists already; store the change as a new version");
        PersonalityProfile next = new PersonalityProfile(
                prefix + "named-v2",
                a.name(),
                2,
                "faster clock",
                a.compatibility(),
                a.workloads(),
                a.osSupport(),
                a.fabric(),
                a.memoryMap(),
                a.peripherals(),
                a.tunables(),
                Origin.ADMIN,
                Optional.empty(),
                ProfileStatus.ACTIVE,
                T0);
        repository.store(next);
        assertThat(repository.find(next.personalityId())).contains(next);
        assertThatThrownBy(() -> repository.storeAll(List.of(next, next))).hasMessageContaining("appears twice");
    }

    @Test
    void derivedProfilesKeepTheirLineage() {
        PersonalityProfile parent = profile(0, "parent");
        Lineage lineage =
                new Lineage(parent.personalityId(), Map.of("kernelClockMhz", 250.0), "latency goal of 2000 µs");
        PersonalityProfile child = new PersonalityProfile(
                prefix + "child-v1",
                prefix + "child",
                1,
                "derived",
                parent.compatibility(),
                parent.workloads(),
                parent.osSupport(),
                parent.fabric(),
                parent.memoryMap(),
                parent.peripherals(),
                parent.tunables(),
                Origin.DERIVED,
                Optional.of(lineage),
                ProfileStatus.ACTIVE,
                T0);
        repository.storeAll(List.of(parent, child));
        assertThat(repository.find(child.personalityId()).flatMap(PersonalityProfile::lineage))
                .contains(lineage);
        String parentColumn = db.database.read(
                em -> em.createQuery("SELECT p.parentId FROM ProfileEntity p WHERE p.personalityId = :id", String.class)
                        .setParameter("id", child.personalityId())
                        .getSingleResult());
        assertThat(parentColumn).isEqualTo(parent.personalityId());
    }

    @Test
    void listFiltersByWorkloadVendorAndStatus() {
        List<PersonalityProfile> all = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            all.add(profile(i, "l" + i));
        }
        repository.storeAll(all);
        assertThat(mine(query(null, null, true))).hasSize(samples.size());
        List<PersonalityProfile> compression = mine(query("compression", null, true));
        assertThat(compression)
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.workload("compression")).isPresent());
        assertThat(compression).hasSize((int)
                all.stream().filter(p -> p.workload("compression").isPresent()).count());
        assertThat(mine(query(null, "intel", true)))
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.compatibility().vendor()).isEqualTo("intel"));
        assertThat(mine(query("compression", "intel", true)))
                .extracting(p -> p.compatibility().family())
                .containsOnly("pac-a10");
        List<String> ids = mine(query(null, null, true)).stream()
                .map(PersonalityProfile::personalityId)
                .toList();
        assertThat(ids).isSorted();

        PersonalityProfile retired = repository.retire(all.get(0).personalityId());
        assertThat(retired.status()).isEqualTo(ProfileStatus.RETIRED);
        assertThat(repository.find(retired.personalityId())).contains(all.get(0).withStatus(ProfileStatus.RETIRED));
        assertThat(mine(query(null, null, false))).hasSize(samples.size() - 1).doesNotContain(all.get(0));
        assertThat(mine(query(null, null, true))).hasSize(samples.size());
    }

    @Test
    void pagingWalksTheSortedList() {
        List<PersonalityProfile> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            all.add(profile(i, "page" + i));
        }
        repository.storeAll(all);
        List<String> seen = new ArrayList<>();
        long total = repository.count();
        for (int offset = 0; offset < total; offset += 3) {
            repository
                    .list(new ProfileQuery(Optional.empty(), Optional.empty(), true, offset, 3))
                    .forEach(p -> seen.add(p.personalityId()));
        }
        assertThat(seen).hasSize((int) total).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void retireOfAnUnknownProfileIsNotFound() {
        assertThatThrownBy(() -> repository.retire(prefix + "nope"))
                .isInstanceOf(HwpException.class)
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void bulkStoreCrossesChunkBoundaries() {
        List<PersonalityProfile> many = new ArrayList<>();
        int n = JpaProfileRepository.CHUNK * 2 + 17;
        for (int i = 0; i < n; i++) {
            many.add(profile(i % samples.size(), "bulk" + i));
        }
        long before = repository.count();
        repository.storeAll(many);
        assertThat(repository.count()).isEqualTo(before + n);
        assertThat(repository.find(many.get(n - 1).personalityId())).contains(many.get(n - 1));
    }

    @Test
    void devicesAndRegionsRoundTrip() {
        Region r0 = Region.free("0", RegionKind.PARTIAL, new Resources(400_000, 800_000, 600, 2_000, 4_096));
        Region r1 = new Region(
                "1",
                RegionKind.PARTIAL,
                r0.capacity(),
                RegionState.ACTIVE,
                Optional.of("p-1"),
                Optional.of(Sha256.of("c".repeat(64))));
        Device device = new Device(
                prefix + "dev",
                "xilinx",
                "Alveo U250",
                "alveo-u250",
                "8c2e0b3a9d4f4e1b8a6c5d7e9f0a1b2c",
                "sim",
                DeviceState.ONLINE,
                new DeviceHealth(true, "ok", Optional.of(48.5)),
                List.of(r0, r1),
                "node-1",
                prefix + "dev");
        db.database.inTransaction(em -> {
            em.persist(new DeviceEntity(device));
            device.regions().forEach(r -> em.persist(new RegionEntity(device.id(), r)));
            return null;
        });
        Device read = db.database.read(em -> em.find(DeviceEntity.class, device.id())
                .toDomain(List.of(
                        em.find(RegionEntity.class, new RegionKey(device.id(), "0"))
                                .toDomain(),
                        em.find(RegionEntity.class, new RegionKey(device.id(), "1"))
                                .toDomain())));
        assertThat(read).isEqualTo(device);
    }

    @Test
    void twoWritersOfOneRegionCannotBothWin() {
        Region free = Region.free("0", RegionKind.FULL, new Resources(1, 1, 1, 1, 1));
        Device device = new Device(
                prefix + "race",
                "xilinx",
                "Alveo U250",
                "alveo-u250",
                "8c2e0b3a9d4f4e1b8a6c5d7e9f0a1b2c",
                "sim",
                DeviceState.ONLINE,
                DeviceHealth.OK,
                List.of(free),
                "node-1",
                prefix + "race");
        db.database.inTransaction(em -> {
            em.persist(new DeviceEntity(device));
            em.persist(new RegionEntity(device.id(), free));
            return null;
        });
        RegionKey key = new RegionKey(device.id(), "0");
        EntityManager first = db.emf.createEntityManager();
        EntityManager second = db.emf.createEntityManager();
        try {
            first.getTransaction().begin();
            second.getTransaction().begin();
            RegionEntity a = first.find(RegionEntity.class, key);
            RegionEntity b = second.find(RegionEntity.class, key);
            Region reserved = new Region(
                    "0", RegionKind.FULL, free.capacity(), RegionState.RESERVED, Optional.empty(), Optional.empty());
            a.update(reserved);
            b.update(reserved);
            first.getTransaction().commit();
            assertThatThrownBy(() -> second.getTransaction().commit())
                    .isInstanceOf(javax.persistence.RollbackException.class);
        } finally {
            first.close();
            second.close();
        }
        long version = db.database.read(em -> em.find(RegionEntity.class, key).rowVersion());
        assertThat(version).isEqualTo(2);
    }

    @Test
    void whereAVmRunsIsStoredMovedAndAudited() {
        Instant now = T0.truncatedTo(ChronoUnit.MICROS);
        JpaVmRecords vms = new JpaVmRecords(db.database);
        JpaEventLog events = new JpaEventLog(db.database);
        Sha256 hash = Sha256.of(
                ("7" + prefix.replace("-", "0").replace("t", "a")).repeat(64).substring(0, 64));
        VirtualMachine placed = vms.register(
                new VirtualMachine(
                        prefix + "vm",
                        "web-1",
                        OsInfo.of("linux", "5.15.0"),
                        false,
                        now,
                        VmLocation.of("fpga-host-7", "instance-0000002a")),
                hash,
                "karaf");
        assertThat(vms.find(placed.id())).contains(placed);
        assertThat(vms.findByToken(hash).orElseThrow().location().host()).contains("fpga-host-7");

        // Migrated: a new host, the same domain; then nowhere in particular.
        VirtualMachine moved = vms.move(placed.id(), VmLocation.of("fpga-host-9", "instance-0000002a"), "karaf");
        assertThat(moved.location()).isEqualTo(VmLocation.of("fpga-host-9", "instance-0000002a"));
        assertThat(vms.find(placed.id()).orElseThrow().location()).isEqualTo(moved.location());
        assertThat(vms.move(placed.id(), VmLocation.ANYWHERE, "karaf").location())
                .isEqualTo(VmLocation.ANYWHERE);
        assertThat(vms.find(placed.id()).orElseThrow()).isEqualTo(placed.movedTo(VmLocation.ANYWHERE));
        // The same location again changes nothing and writes no event.
        vms.move(placed.id(), VmLocation.ANYWHERE, "karaf");

        List<HwpEvent> trail = events.newest(10, placed.id());
        assertThat(trail)
                .extracting(HwpEvent::topic)
                .containsExactly(
                        "org/hwpersonality/vm/MOVED", "org/hwpersonality/vm/MOVED", "org/hwpersonality/vm/REGISTERED");
        assertThat(trail.get(1).details())
                .containsEntry("fromHost", "fpga-host-7")
                .containsEntry("host", "fpga-host-9")
                .containsEntry("domain", "instance-0000002a");
        assertThat(trail.get(2).details()).containsEntry("host", "fpga-host-7");
        assertThatThrownBy(() -> vms.move(prefix + "nobody", VmLocation.ANYWHERE, "karaf"))
                .isInstanceOf(HwpException.class)
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void tenantsAreAddedListedAndOwnTheirVms() {
        Instant now = T0.truncatedTo(ChronoUnit.MICROS);
        JpaTenantRecords tenants = new JpaTenantRecords(db.database);
        JpaVmRecords vms = new JpaVmRecords(db.database);
        JpaEventLog events = new JpaEventLog(db.database);
        // The default tenant is there from the start (schema version 7).
        assertThat(tenants.find(Tenant.DEFAULT)).isPresent();

        String id = prefix + "acme";
        Tenant acme = tenants.add(new Tenant(id, "Acme video transcoding", now), "karaf");
        assertThat(tenants.find(id)).contains(acme);
        assertThat(tenants.list()).contains(acme).extracting(Tenant::id).contains(Tenant.DEFAULT);
        assertThat(tenants.list()).extracting(Tenant::id).isSorted();
        assertThatThrownBy(() -> tenants.add(new Tenant(id, "", now), "karaf"))
                .isInstanceOf(HwpException.class)
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.CONFLICT);
        assertThat(acme.maxAllocations()).isEmpty();
        assertThat(tenants.setQuota(id, Optional.of(5), "karaf").maxAllocations())
                .contains(5);
        assertThat(tenants.find(id).orElseThrow().maxAllocations()).contains(5);
        assertThat(tenants.setQuota(id, Optional.empty(), "karaf").maxAllocations())
                .isEmpty();
        assertThat(tenants.find(id).orElseThrow().maxAllocations()).isEmpty();
        assertThat(events.newest(3, id))
                .extracting(HwpEvent::topic)
                .containsExactly(
                        "org/hwpersonality/tenant/QUOTA",
                        "org/hwpersonality/tenant/QUOTA",
                        "org/hwpersonality/tenant/ADDED");
        assertThatThrownBy(() -> tenants.setQuota(prefix + "nobody", Optional.of(1), "karaf"))
                .isInstanceOf(HwpException.class)
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.NOT_FOUND);

        Sha256 hash = Sha256.of(
                ("8" + prefix.replace("-", "0").replace("t", "b")).repeat(64).substring(0, 64));
        VirtualMachine vm = vms.register(
                new VirtualMachine(
                        prefix + "vm", "enc-1", OsInfo.of("linux", "6.1.0"), false, now, VmLocation.ANYWHERE, id),
                hash,
                "karaf");
        assertThat(vms.find(vm.id()).orElseThrow().tenant()).isEqualTo(id);
        assertThat(vms.findByToken(hash).orElseThrow().tenant()).isEqualTo(id);
        // Moving a VM keeps its tenant.
        assertThat(vms.move(vm.id(), VmLocation.of("fpga-host-3", null), "karaf")
                        .tenant())
                .isEqualTo(id);
        assertThat(events.newest(5, vm.id()))
                .filteredOn(e -> e.topic().endsWith("/REGISTERED"))
                .singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("tenant", id));
    }

    /**
     * A region records the tenant whose data it may hold: written with the region's steps, kept when its back end
     * reports the device again (whatever it reports), taken over by a reuse when the caller says so, and part of the
     * compare and set, so that a region that went to another tenant and back to the same image is not taken as it was.
     */
    @Test
    void regionsRecordTheirTenantAndItIsPartOfTheCompareAndSet() {
        JpaDeviceRecords devices = new JpaDeviceRecords(db.database);
        JpaVmRecords vms = new JpaVmRecords(db.database);
        SqlAllocationRecords allocations = new SqlAllocationRecords(db.database, new DatabaseSignals(db.database));
        Instant now = T0.truncatedTo(ChronoUnit.MICROS);
        String local = prefix + "tenant-card";
        String card = Device.qualifiedId("node-1", local);
        Resources capacity = new Resources(400_000, 800_000, 600, 2_000, 4_096);
        Sha256 image = Sha256.of(
                ("c" + prefix.replace("-", "0").replace("t", "c")).repeat(64).substring(0, 64));
        org.hwpersonality.api.backend.DeviceDescriptor reported = new org.hwpersonality.api.backend.DeviceDescriptor(
                local,
                "xilinx",
                "Simulated U250",
                "alveo-u250",
                "8c2e0b3a9d4f4e1b8a6c5d7e9f0a1b2c",
                List.of(new org.hwpersonality.api.backend.RegionDescriptor(
                        "0", RegionKind.PARTIAL, capacity, Optional.of(image), Optional.empty())),
                DeviceHealth.OK);
        Device device = devices.report("node-1", prefix + "sim", "xilinx", reported);
        Region fresh = device.region("0").orElseThrow();
        assertThat(fresh.tenant()).as("a new region served no tenant").isEmpty();

        Region acmes = fresh.with(RegionState.FREE, Optional.of("p-1"), Optional.of(image))
                .withTenant(Optional.of("acme"));
        devices.changeRegion(card, fresh, acmes);
        assertThat(devices.device(card).orElseThrow().region("0")).contains(acmes);
        // Reported again by its back end (even as empty): the tenant stays, the card memory may still hold its data.
        devices.report("node-1", prefix + "sim", "xilinx", reported);
        assertThat(devices.device(card).orElseThrow().region("0").orElseThrow().tenant())
                .contains("acme");

        VirtualMachine vm = vms.register(
                new VirtualMachine(prefix + "tvm", "web-1", OsInfo.of("linux", "5.15.0"), false, now),
                Sha256.of(("d" + prefix.replace("-", "0").replace("t", "d"))
                        .repeat(64)
                        .substring(0, 64)),
                "karaf");
        Region current = devices.device(card).orElseThrow().region("0").orElseThrow();
        Allocation reuse = new Allocation(
                prefix + "treuse",
                vm.id(),
                request(vm.id()),
                "p-1",
                card,
                "0",
                AllocationState.ACTIVE,
                Optional.empty(),
                Optional.empty(),
                now,
                now);
        // A stale copy that says the region served nobody: refused, the region as it was.
        assertThatThrownBy(() -> allocations.reserve(
                        reuse,
                        current.withTenant(Optional.empty()),
                        Optional.of(Tenant.DEFAULT),
                        Optional.empty(),
                        Integer.MAX_VALUE,
                        Map.of(),
                        "karaf"))
                .isInstanceOf(HwpException.class)
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.CONFLICT);
        assertThat(devices.device(card).orElseThrow().region("0")).contains(current);
        allocations.reserve(reuse, current, Optional.of(Tenant.DEFAULT), Optional.empty(), 1, Map.of(), "karaf");
        Region taken = devices.device(card).orElseThrow().region("0").orElseThrow();
        assertThat(taken.state()).isEqualTo(RegionState.ACTIVE);
        assertThat(taken.tenant()).contains(Tenant.DEFAULT);
    }

    /**
     * A back end's report may be older than what the programming state machine wrote meanwhile: a region that changed
     * since the versions were read before asking the back end, or that is being programmed or cleared, keeps its
     * recorded content; an unchanged FREE region takes what is reported.
     */
    @Test
    void aReportOlderThanTheRegionsLastStepDoesNotOverwriteIt() {
        JpaDeviceRecords devices = new JpaDeviceRecords(db.database);
        String local = prefix + "race-card";
        String card = Device.qualifiedId("node-1", local);
        Resources capacity = new Resources(400_000, 800_000, 600, 2_000, 4_096);
        Sha256 x = Sha256.of("a1".repeat(32));
        Sha256 y = Sha256.of("b2".repeat(32));
        java.util.function.Function<Optional<Sha256>, org.hwpersonality.api.backend.DeviceDescriptor> reporting =
                image -> new org.hwpersonality.api.backend.DeviceDescriptor(
                        local,
                        "xilinx",
                        "Simulated U250",
                        "alveo-u250",
                        "8c2e0b3a9d4f4e1b8a6c5d7e9f0a1b2c",
                        List.of(new org.hwpersonality.api.backend.RegionDescriptor(
                                "0", RegionKind.PARTIAL, capacity, image, Optional.empty())),
                        DeviceHealth.OK);
        Region fresh = devices.report("node-1", prefix + "sim", "xilinx", reporting.apply(Optional.of(x)))
                .region("0")
                .orElseThrow();
        assertThat(fresh.loadedImage()).contains(x);

        Map<String, Long> before = devices.regionVersions("node-1");
        assertThat(before).containsKey(card + "/0");
        // The state machine loads y (FREE, then FREE again with y) while the back end is asked: it still says x.
        Region loaded = fresh.with(RegionState.FREE, Optional.of("p-y"), Optional.of(y));
        devices.changeRegion(card, fresh, loaded);
        devices.report("node-1", prefix + "sim", "xilinx", reporting.apply(Optional.of(x)), before);
        assertThat(devices.device(card).orElseThrow().region("0")).contains(loaded);

        // Being programmed: whatever the back end shows meanwhile is not recorded.
        Region programming = loaded.with(RegionState.PROGRAMMING, loaded.loadedPersonalityId(), loaded.loadedImage());
        devices.changeRegion(card, loaded, programming);
        devices.report(
                "node-1",
                prefix + "sim",
                "xilinx",
                reporting.apply(Optional.empty()),
                devices.regionVersions("node-1"));
        assertThat(devices.device(card).orElseThrow().region("0")).contains(programming);

        // FREE and unchanged since the versions were read: the report is the truth (changed outside HWP).
        devices.changeRegion(card, programming, loaded);
        devices.report(
                "node-1", prefix + "sim", "xilinx", reporting.apply(Optional.of(x)), devices.regionVersions("node-1"));
        Region now = devices.device(card).orElseThrow().region("0").orElseThrow();
        assertThat(now.loadedImage()).contains(x);
        assertThat(now.loadedPersonalityId())
                .as("no longer the personality it recorded")
                .isEmpty();
    }

    /** Sharing records: only what is not public is stored; setting PUBLIC removes the record; each change audited. */
    @Test
    void sharingRecordsKeepWhoMayLoadWhat() {
        SqlSharingRecords sharing = new SqlSharingRecords(db.database);
        JpaEventLog events = new JpaEventLog(db.database);
        String profile = prefix + "zstd-v1";
        String image =
                ("e" + prefix.replace("-", "0").replace("t", "e")).repeat(64).substring(0, 64);
        org.hwpersonality.api.tenant.Sharing acmeOnly =
                org.hwpersonality.api.tenant.Sharing.with(Set.of("acme", "beta"), false);
        sharing.set(org.hwpersonality.api.store.SharingRecords.Subject.PROFILE, profile, acmeOnly, "karaf");
        org.hwpersonality.api.tenant.Sharing shareable = new org.hwpersonality.api.tenant.Sharing(true, Set.of(), true);
        sharing.set(org.hwpersonality.api.store.SharingRecords.Subject.IMAGE, image, acmeOnly, "karaf");
        assertThat(sharing.all(org.hwpersonality.api.store.SharingRecords.Subject.PROFILE))
                .containsEntry(profile, acmeOnly)
                .doesNotContainKey(image);
        assertThat(sharing.all(org.hwpersonality.api.store.SharingRecords.Subject.IMAGE))
                .containsEntry(image, acmeOnly);
        sharing.set(org.hwpersonality.api.store.SharingRecords.Subject.PROFILE, profile, shareable, "karaf");
        assertThat(sharing.all(org.hwpersonality.api.store.SharingRecords.Subject.PROFILE))
                .containsEntry(profile, shareable);
        sharing.set(
                org.hwpersonality.api.store.SharingRecords.Subject.PROFILE,
                profile,
                org.hwpersonality.api.tenant.Sharing.PUBLIC,
                "karaf");
        assertThat(sharing.all(org.hwpersonality.api.store.SharingRecords.Subject.PROFILE))
                .doesNotContainKey(profile);
        assertThat(events.newest(3, "profile:" + profile))
                .extracting(HwpEvent::topic)
                .containsOnly("org/hwpersonality/sharing/CHANGED")
                .hasSize(3);
        assertThat(events.newest(3, "profile:" + profile).get(2).details())
                .containsEntry("public", "false")
                .containsEntry("tenants", "acme,beta");
    }

    @Test
    void vmsAllocationsBitstreamsAndEventsRoundTrip() {
        Instant now = T0.truncatedTo(ChronoUnit.MICROS);
        VirtualMachine vm =
                new VirtualMachine(prefix + "vm", "web-1", OsInfo.of("linux", "5.15.0-91-generic"), false, now);
        Allocation allocation = new Allocation(
                prefix + "alloc",
                vm.id(),
                request(vm.id()),
                "p-1",
                prefix + "dev",
                "0",
                AllocationState.ACTIVE,
                Optional.of("drv-1"),
                Optional.of(prefix + "earlier"),
                now,
                now.plusMillis(12));
        Bitstream image = new Bitstream(
                Sha256.of(prefix.length() + "d".repeat(63)),
                "resnet50.xclbin",
                "xilinx",
                ImageFormat.XCLBIN,
                58_000_000,
                Optional.of("8c2e0b3a9d4f4e1b8a6c5d7e9f0a1b2c"),
                now);
        long sequence = db.database.inTransaction(em -> {
            em.persist(new VmEntity(
                    vm,
                    "e".repeat(64 - prefix.length()) + prefix.replace("-", "0").replace("t", "1")));
            em.persist(new AllocationEntity(allocation));
            if (em.find(BitstreamEntity.class, image.sha256().hex()) == null) {
                em.persist(new BitstreamEntity(image));
            }
            EventEntity event =
                    new EventEntity(now, "org/hwpersonality/allocation/ACTIVE", allocation.id(), "karaf", "{}");
            em.persist(event);
            em.flush();
            return event.sequence();
        });
        assertThat(sequence).isPositive();
        db.database.read(em -> {
            assertThat(em.find(VmEntity.class, vm.id()).toDomain()).isEqualTo(vm);
            assertThat(em.find(AllocationEntity.class, allocation.id()).toDomain())
                    .isEqualTo(allocation);
            assertThat(em.find(BitstreamEntity.class, image.sha256().hex()).toDomain())
                    .isEqualTo(image);
            EventEntity event = em.find(EventEntity.class, sequence);
            assertThat(event.topic()).isEqualTo("org/hwpersonality/allocation/ACTIVE");
            assertThat(event.occurredAt()).isEqualTo(now);
            return null;
        });
    }

    @Test
    void profileRevisionsTellCachesWhatChanged() {
        long before = repository.revision();
        repository.storeAll(List.of(profile(0, "rev-a"), profile(1, "rev-b")));
        long stored = repository.revision();
        assertThat(stored).isGreaterThan(before);
        assertThat(repository.changedSince(before))
                .extracting(PersonalityProfile::personalityId)
                .containsExactly(prefix + "rev-a-v1", prefix + "rev-b-v1");
        repository.retire(prefix + "rev-a-v1");
        assertThat(repository.revision()).isGreaterThan(stored);
        assertThat(repository.changedSince(stored)).singleElement().satisfies(p -> {
            assertThat(p.personalityId()).isEqualTo(prefix + "rev-a-v1");
            assertThat(p.status()).isEqualTo(ProfileStatus.RETIRED);
        });
        long retired = repository.revision();
        repository.retire(prefix + "rev-a-v1");
        assertThat(repository.revision()).as("retiring twice changes nothing").isEqualTo(retired);
        assertThat(repository.changedSince(repository.revision())).isEmpty();
    }

    @Test
    void allocationsHoldARegionAloneAndWriteAuditRows() {
        JpaDeviceRecords devices = new JpaDeviceRecords(db.database);
        JpaVmRecords vms = new JpaVmRecords(db.database);
        SqlAllocationRecords allocations = new SqlAllocationRecords(db.database, new DatabaseSignals(db.database));
        JpaEventLog events = new JpaEventLog(db.database);
        Instant now = T0.truncatedTo(ChronoUnit.MICROS);
        String local = prefix + "alloc-card";
        String card = Device.qualifiedId("node-1", local);
        Resources capacity = new Resources(400_000, 800_000, 600, 2_000, 4_096);
        Device device = devices.report(
                "node-1",
                prefix + "sim",
                "xilinx",
                new org.hwpersonality.api.backend.DeviceDescriptor(
                        local,
                        "xilinx",
                        "Simulated U250",
                        "alveo-u250",
                        "8c2e0b3a9d4f4e1b8a6c5d7e9f0a1b2c",
                        List.of(
                                new org.hwpersonality.api.backend.RegionDescriptor(
                                        "0", RegionKind.PARTIAL, capacity, Optional.empty(), Optional.empty()),
                                new org.hwpersonality.api.backend.RegionDescriptor(
                                        "1", RegionKind.PARTIAL, capacity, Optional.empty(), Optional.empty())),
                        DeviceHealth.OK));
        Region free = device.region("0").orElseThrow();
        Sha256 hash1 = Sha256.of(
                ("1" + prefix.replace("-", "0").replace("t", "a")).repeat(64).substring(0, 64));
        Sha256 hash2 = Sha256.of(
                ("2" + prefix.replace("-", "0").replace("t", "a")).repeat(64).substring(0, 64));
        VirtualMachine vm1 = vms.register(
                new VirtualMachine(prefix + "vm1", "web-1", OsInfo.of("linux", "5.15.0"), false, now), hash1, "karaf");
        VirtualMachine vm2 = vms.register(
                new VirtualMachine(prefix + "vm2", "web-2", OsInfo.of("linux", "5.15.0"), false, now), hash2, "karaf");
        assertThatThrownBy(() -> vms.register(
                        new VirtualMachine(prefix + "vm3", "web-3", OsInfo.of("linux", null), false, now),
                        hash1,
                        "karaf"))
                .as("a token hash is unique")
                .isInstanceOf(HwpException.class)
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.CONFLICT);
        assertThat(vms.findByToken(hash1)).contains(vm1);
        assertThat(vms.find(vm2.id())).contains(vm2);
        assertThat(vms.list()).contains(vm1, vm2);
        VirtualMachine spare = vms.register(
                new VirtualMachine(prefix + "vm9", "web-9", OsInfo.of("linux", null), false, now),
                Sha256.of(("9" + prefix.replace("-", "0").replace("t", "a"))
                        .repeat(64)
                        .substring(0, 64)),
                "karaf");
        assertThat(vms.revokeToken(spare.id(), "karaf").tokenRevoked()).isTrue();
        assertThat(vms.findByToken(Sha256.of(("9" + prefix.replace("-", "0").replace("t", "a"))
                        .repeat(64)
                        .substring(0, 64))))
                .as("a revoked token finds no VM")
                .isEmpty();
        assertThat(vms.find(spare.id()).orElseThrow().tokenRevoked()).isTrue();
        assertThat(events.newest(5, spare.id()))
                .extracting(HwpEvent::topic)
                .contains("org/hwpersonality/vm/TOKEN_REVOKED");
        assertThatThrownBy(() -> vms.revokeToken(prefix + "nobody", "karaf"))
                .isInstanceOf(HwpException.class)
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.NOT_FOUND);

        Allocation a1 = newAllocation(prefix + "a1", vm1.id(), card, "0", now);
        long reservedBefore = allocations.countHolding().getOrDefault(AllocationState.RESERVED, 0L);
        Map<String, String> why = Map.of("score", "0.8125", "reasons", "fits the region; meets 30 Gops");
        assertThat(allocations.reserve(a1, free, Optional.empty(), Integer.MAX_VALUE, why, "karaf"))
                .isEqualTo(a1);
        assertThat(allocations.countHolding().get(AllocationState.RESERVED)).isEqualTo(reservedBefore + 1);
        assertThat(events.newest(5, a1.id()))
                .as("the match's explanation is kept in the allocation's first event")
                .singleElement()
                .satisfies(e -> assertThat(e.details()).containsAllEntriesOf(why));
        Allocation a2 = newAllocation(prefix + "a2", vm2.id(), card, "0", now);
        assertThatThrownBy(() -> allocations.reserve(a2, free, Optional.empty(), "karaf"))
                .as("the region is no longer FREE")
                .isInstanceOf(HwpException.class)
                .hasMessageContaining("changed meanwhile: it is RESERVED now");
        Allocation again = newAllocation(prefix + "a1b", vm1.id(), card, "1", now);
        assertThatThrownBy(
                        () -> allocations.reserve(again, device.region("1").orElseThrow(), Optional.empty(), "karaf"))
                .as("one allocation per VM and slot")
                .isInstanceOf(HwpException.class)
                .hasMessageContaining("holds allocation " + a1.id() + " in slot default already");
        // Another slot: allowed up to the VM's limit, and the slot is stored with the allocation.
        Allocation inference = new Allocation(
                prefix + "a1c",
                vm1.id(),
                new PersonalityRequest(vm1.id(), OsInfo.of("linux", "5.15.0"), "ml-inference", null, "inference"),
                "p-1",
                card,
                "1",
                AllocationState.RESERVED,
                Optional.empty(),
                Optional.empty(),
                now,
                now);
        assertThatThrownBy(() ->
                        allocations.reserve(inference, device.region("1").orElseThrow(), Optional.empty(), 1, "karaf"))
                .as("at the limit of one per VM")
                .isInstanceOf(HwpException.class)
                .hasMessageContaining("holds 1 allocations (" + a1.id() + "), the most one VM may hold");
        allocations.reserve(inference, device.region("1").orElseThrow(), Optional.empty(), 2, "karaf");
        assertThat(allocations.find(inference.id()).orElseThrow().request().slot())
                .isEqualTo("inference");
        assertThat(allocations.find(a1.id()).orElseThrow().request().slot()).isEqualTo("default");
        allocations.update(
                inference,
                inference.moveTo(AllocationState.FAILED, now.plusMillis(1)),
                Optional.of(new AllocationRecords.RegionChange(
                        devices.device(card).orElseThrow().region("1").orElseThrow(),
                        device.region("1").orElseThrow())),
                "karaf");

        Region reserved = devices.device(card).orElseThrow().region("0").orElseThrow();
        assertThat(reserved.state()).isEqualTo(RegionState.RESERVED);
        Region active = new Region(
                "0", RegionKind.PARTIAL, capacity, RegionState.ACTIVE, Optional.of("p-1"), Optional.of(hash1));
        Allocation a1Active = a1.moveTo(AllocationState.ACTIVE, now.plusMillis(5));
        allocations.update(a1, a1Active, Optional.of(new AllocationRecords.RegionChange(reserved, active)), "karaf");
        assertThatThrownBy(() -> allocations.update(
                        a1, a1.moveTo(AllocationState.FAILED, now.plusMillis(6)), Optional.empty(), "karaf"))
                .as("a stale state loses")
                .isInstanceOf(HwpException.class)
                .hasMessageContaining("is ACTIVE now, not RESERVED");
        assertThat(allocations.find(a1.id())).contains(a1Active);
        assertThat(allocations.ofVm(vm1.id()))
                .filteredOn(a -> a.state().holdsRegion())
                .containsExactly(a1Active);
        assertThat(allocations.inFlight()).extracting(Allocation::id).doesNotContain(a1.id());

        // Re-personalization in place: the old allocation is released and the new one reserves the same region.
        Allocation successor = new Allocation(
                prefix + "a3",
                vm1.id(),
                request(vm1.id()),
                "p-2",
                card,
                "0",
                AllocationState.RESERVED,
                Optional.empty(),
                Optional.of(a1.id()),
                now.plusMillis(10),
                now.plusMillis(10));
        allocations.reserve(successor, active, Optional.of(a1Active), "karaf");
        assertThat(allocations.find(a1.id()).orElseThrow().state()).isEqualTo(AllocationState.RELEASED);
        assertThat(allocations.inFlight()).extracting(Allocation::id).contains(successor.id());

        // The database itself refuses a second holder, whatever the caller checked.
        Allocation intruder = newAllocation(prefix + "a4", vm2.id(), card, "0", now)
                .moveTo(AllocationState.ACTIVE, now.plusMillis(1));
        assertThatThrownBy(() -> db.database.inTransaction(em -> {
                    em.persist(new AllocationEntity(intruder));
                    return null;
                }))
                .isInstanceOf(HwpException.class)
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.CONFLICT);

        assertThat(events.newest(10, a1.id()))
                .extracting(HwpEvent::topic)
                .containsExactly(
                        "org/hwpersonality/allocation/RELEASED",
                        "org/hwpersonality/allocation/ACTIVE",
                        "org/hwpersonality/allocation/RESERVED");
        assertThat(events.newest(1, vm2.id()))
                .singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("name", "web-2"));
        HwpEvent appended = events.append("org/hwpersonality/test/DONE", prefix + "x", "karaf", Map.of("k", "v"));
        assertThat(events.newest(1, null)).containsExactly(appended);
    }

    private static Allocation newAllocation(String id, String vmId, String device, String region, Instant now) {
        return new Allocation(
                id,
                vmId,
                request(vmId),
                "p-1",
                device,
                region,
                AllocationState.RESERVED,
                Optional.empty(),
                Optional.empty(),
                now,
                now);
    }

    private static PersonalityRequest request(String vmId) {
        return new PersonalityRequest(
                vmId,
                OsInfo.of("linux", "5.15.0"),
                "ml-inference",
                new Requirements(Optional.of(100.0), Optional.empty(), Optional.of(75.0), Optional.empty()));
    }

    private DriverPackage driverPackage(String id, Sha256 archive) {
        Sha256 file = Sha256.of("f".repeat(64));
        return new DriverPackage(
                id,
                "xrt-zstd",
                "2.16.204",
                "linux",
                KernelRange.parse("[5.4,6.9)"),
                "x86_64",
                List.of("zstd-u250-v1", "family:alveo-u250"),
                List.of(new DriverFile("lib/modules/xocl.ko", DriverFile.Kind.MODULE, 4096, file)),
                List.of("insmod lib/modules/xocl.ko"),
                archive,
                8192,
                "c2lnbmF0dXJl",
                T0);
    }

    @Test
    void artifactRecordsKeepBitstreamsAndDriverPackages() {
        JpaArtifactRecords records = new JpaArtifactRecords(db.database);
        Sha256 image = Sha256.of(String.format("%064x", counter * 7919L));
        Bitstream b = new Bitstream(image, "zstd.xclbin", "xilinx", ImageFormat.XCLBIN, 1234, Optional.empty(), T0);
        assertThat(records.saveBitstream(b)).isEqualTo(b);
        Bitstream again =
                new Bitstream(image, "other-name.xclbin", "xilinx", ImageFormat.XCLBIN, 1234, Optional.empty(), T0);
        assertThat(records.saveBitstream(again))
                .as("identical content is recorded once")
                .isEqualTo(b);
        assertThat(records.bitstream(image)).contains(b);
        assertThat(records.bitstreams()).contains(b);

        Sha256 archive = Sha256.of(String.format("%064x", counter * 104729L));
        DriverPackage p = driverPackage(prefix + "xrt-zstd-2.16.204-linux-x86_64", archive);
        assertThat(records.saveDriverPackage(p)).isEqualTo(p);
        assertThat(records.saveDriverPackage(p))
                .as("same ID and archive: the stored one")
                .isEqualTo(p);
        assertThatThrownBy(() -> records.saveDriverPackage(driverPackage(p.id(), Sha256.of("e".repeat(64)))))
                .isInstanceOf(HwpException.class)
                .hasMessageContaining("exists with another archive");
        assertThat(records.driverPackage(p.id())).contains(p);
        assertThat(records.driverPackages()).contains(p);
        assertThat(records.referencedBlobs()).contains(image, archive);

        Instant now = T0.truncatedTo(ChronoUnit.MICROS);
        Allocation using = new Allocation(
                prefix + "uses-driver",
                "vm-1",
                request("vm-1"),
                "zstd-u250-v1",
                prefix + "drv-dev",
                "0",
                AllocationState.ACTIVE,
                Optional.of(p.id()),
                Optional.empty(),
                now,
                now);
        db.database.inTransaction(em -> {
            em.persist(new AllocationEntity(using));
            return null;
        });
        assertThatThrownBy(() -> records.deleteDriverPackage(p.id()))
                .isInstanceOf(HwpException.class)
                .hasMessageContaining("is used by allocation(s) [" + using.id() + "]");
        db.database.inTransaction(em -> {
            em.find(AllocationEntity.class, using.id())
                    .update(using.moveTo(AllocationState.RELEASED, now.plusSeconds(1)));
            return null;
        });
        records.deleteDriverPackage(p.id());
        assertThat(records.driverPackage(p.id())).isEmpty();
        assertThat(records.referencedBlobs()).doesNotContain(archive);
        assertThatThrownBy(() -> records.deleteDriverPackage(p.id()))
                .isInstanceOf(HwpException.class)
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void nodesTakeRenewAndLoseTheirLeases() {
        SqlNodeRecords nodes = new SqlNodeRecords(db.database);
        JpaDeviceRecords devices = new JpaDeviceRecords(db.database);
        String id = prefix + "node";
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        org.hwpersonality.api.node.Node node = new org.hwpersonality.api.node.Node(
                id,
                java.util.Set.of(org.hwpersonality.api.node.NodeRole.HOST),
                "machine-1",
                now,
                now,
                now.plusSeconds(10),
                0);
        assertThat(nodes.take(node, "a".repeat(32), 42, Optional.empty())).isTrue();
        assertThat(nodes.take(node, "b".repeat(32), 43, Optional.empty()))
                .as("a new row only once")
                .isFalse();
        assertThat(nodes.holder(id).orElseThrow())
                .satisfies(h -> assertThat(h.session()).isEqualTo("a".repeat(32)))
                .satisfies(h -> assertThat(h.pid()).isEqualTo(42));
        assertThat(nodes.renew(id, "b".repeat(32), now, now.plusSeconds(10)))
                .as("only the holder renews")
                .isFalse();
        assertThat(nodes.take(node, "b".repeat(32), 43, Optional.of("c".repeat(32))))
                .as("taking over names the session seen")
                .isFalse();
        devices.report(id, prefix + "sim", "xilinx", descriptor(prefix + "card"));
        assertThat(nodes.nodes())
                .filteredOn(n -> n.id().equals(id))
                .singleElement()
                .satisfies(n -> {
                    assertThat(n.devices()).isEqualTo(1);
                    assertThat(n.roles()).containsExactly(org.hwpersonality.api.node.NodeRole.HOST);
                    assertThat(n.hostName()).isEqualTo("machine-1");
                });
        assertThat(nodes.expireLeases(now.plusSeconds(5), "test")).doesNotContain(id);
        assertThat(nodes.renew(id, "a".repeat(32), now, now.plusSeconds(1))).isTrue();
        assertThat(nodes.expireLeases(now.plusSeconds(5), "test")).contains(id);
        assertThat(devices.device(Device.qualifiedId(id, prefix + "card"))
                        .orElseThrow()
                        .state())
                .isEqualTo(DeviceState.OFFLINE);
        assertThat(nodes.expireLeases(now.plusSeconds(5), "test")).as("once").doesNotContain(id);
        assertThat(nodes.take(node, "b".repeat(32), 43, Optional.of("a".repeat(32))))
                .as("taken over from the session seen")
                .isTrue();
        assertThat(nodes.renew(id, "a".repeat(32), now, now.plusSeconds(10))).isFalse();
    }

    @Test
    void unassignedDevicesOfAnUpgradedDatabaseAreAdoptedWithTheirIds() {
        SqlNodeRecords nodes = new SqlNodeRecords(db.database);
        JpaDeviceRecords devices = new JpaDeviceRecords(db.database);
        String legacy = prefix + "legacy-card";
        // As V4 leaves a device of V3: its own ID as ID and local ID, node 'unassigned'.
        db.database.inJdbcTransaction(c -> {
            try (java.sql.PreparedStatement s = c.prepareStatement("INSERT INTO HWP_DEVICE (ID, VENDOR, MODEL, FAMILY,"
                    + " INTERFACE_ID, BACKEND, STATE, HEALTHY, HEALTH_MESSAGE, ROW_VERSION, NODE_ID, LOCAL_ID)"
                    + " VALUES (?, 'xilinx', 'Simulated U250', 'alveo-u250', '8c2e0b3a9d4f4e1b8a6c5d7e9f0a1b2c', ?,"
                    + " 'ONLINE', TRUE, 'ok', 1, 'unassigned', ?)")) {
                s.setString(1, legacy);
                s.setString(2, prefix + "sim");
                s.setString(3, legacy);
                s.executeUpdate();
            }
            try (java.sql.PreparedStatement s = c.prepareStatement("INSERT INTO HWP_REGION (DEVICE_ID, REGION_ID, KIND,"
                    + " LUTS, REGISTERS, BRAM_BLOCKS, DSPS, MEMORY_MB, STATE, ROW_VERSION)"
                    + " VALUES (?, '0', 'PARTIAL', 400000, 800000, 600, 2000, 4096, 'FREE', 1)")) {
                s.setString(1, legacy);
                s.executeUpdate();
            }
            return null;
        });
        assertThat(nodes.adoptUnassignedDevices(prefix + "new")).isPositive();
        Device again = devices.report(prefix + "new", prefix + "sim", "xilinx", descriptor(legacy));
        assertThat(again.id()).as("the ID it had").isEqualTo(legacy);
        assertThat(again.node()).isEqualTo(prefix + "new");
    }

    @Test
    void tasksAreClaimedOnceEvenByConcurrentClaimers() throws Exception {
        SqlTaskRecords tasks = new SqlTaskRecords(db.database);
        String node = prefix + "host";
        Device card =
                new JpaDeviceRecords(db.database).report(node, prefix + "sim", "xilinx", descriptor(prefix + "card"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (int i = 0; i < 40; i++) {
            // the allocations the tasks program: ended, so that forty of them may name the card's one region
            Allocation programmed = newAllocation(prefix + "alloc-" + i, prefix + "vm-c", card.id(), "0", now)
                    .moveTo(AllocationState.RELEASED, now);
            db.database.inJdbcTransaction(c -> {
                SqlAllocationRecords.insert(c, programmed);
                return null;
            });
            ProgrammingTask t = new ProgrammingTask(
                    prefix + "task-" + i,
                    node,
                    prefix + "alloc-" + i,
                    card.id(),
                    "0",
                    ProgrammingTask.State.QUEUED,
                    Optional.empty(),
                    now.plusMillis(i),
                    Optional.empty(),
                    Optional.empty());
            db.database.inJdbcTransaction(c -> {
                SqlTaskRecords.insert(c, t, now);
                return null;
            });
        }
        ProgrammingTask orphan = new ProgrammingTask(
                prefix + "task-orphan",
                node,
                prefix + "alloc-never-written",
                card.id(),
                "0",
                ProgrammingTask.State.QUEUED,
                Optional.empty(),
                now.plusMillis(20),
                Optional.empty(),
                Optional.empty());
        db.database.inJdbcTransaction(c -> {
            SqlTaskRecords.insert(c, orphan, now);
            return null;
        });
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<List<TaskRecords.Claimed>>> claims = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            String session = String.valueOf(w).repeat(32);
            claims.add(pool.submit(() -> {
                List<TaskRecords.Claimed> mine = new ArrayList<>();
                for (List<TaskRecords.Claimed> got = tasks.claim(node, session, 3);
                        !got.isEmpty();
                        got = tasks.claim(node, session, 3)) {
                    mine.addAll(got);
                }
                return mine;
            }));
        }
        List<String> claimed = new ArrayList<>();
        List<String> byOthers = new ArrayList<>();
        for (var f : claims) {
            f.get().forEach(c -> {
                ProgrammingTask t = c.task();
                assertThat(c.allocation().id())
                        .as("the task's own allocation, read with the claim")
                        .isEqualTo(t.allocationId());
                assertThat(c.allocation().state()).isEqualTo(AllocationState.RELEASED);
                assertThat(c.region()).isEqualTo(card.region("0").orElseThrow());
                assertThat(t.state()).isEqualTo(ProgrammingTask.State.CLAIMED);
                claimed.add(t.id());
                if (!t.claimedBy().orElseThrow().equals("0".repeat(32)) && !t.id().equals(prefix + "task-0")) {
                    byOthers.add(t.id());
                }
            });
        }
        pool.shutdown();
        assertThat(claimed).as("each task claimed exactly once").hasSize(40).doesNotHaveDuplicates();
        assertThat(tasks.claim(node, "9".repeat(32), 10)).isEmpty();
        assertThat(tasks.ofAllocation(prefix + "alloc-never-written").orElseThrow())
                .as("a task with nothing to program is not handed out: it is recorded FAILED")
                .satisfies(t -> assertThat(t.state()).isEqualTo(ProgrammingTask.State.FAILED))
                .satisfies(t -> assertThat(t.outcome().orElseThrow()).contains("nothing to program"));
        tasks.finish(prefix + "task-0", true, "programmed", Optional.of(12.5));
        assertThat(tasks.ofAllocation(prefix + "alloc-0").orElseThrow())
                .satisfies(t -> assertThat(t.state()).isEqualTo(ProgrammingTask.State.DONE))
                .satisfies(t -> assertThat(t.durationMs()).contains(12.5))
                .satisfies(t -> assertThat(t.outcome()).contains("programmed"));
        assertThat(tasks.abandoned(node, "0".repeat(32)))
                .as("claimed by other sessions of the node, not finished")
                .extracting(ProgrammingTask::id)
                .containsExactlyInAnyOrderElementsOf(byOthers);
    }

    /**
     * A dispatched programming from end to end in the records: PROGRAMMING with the task and its signal to the host
     * node in one commit; the host's claim; ACTIVE, the region loaded, the task DONE and the signal back in another.
     * Each signal arrives only once its change is committed (on PostgreSQL through LISTEN, on Derby in-process).
     */
    @Test
    void aDispatchedProgrammingIsQueuedAndFinishedEachWithItsSignal() throws Exception {
        DatabaseSignals signals = new DatabaseSignals(db.database);
        try {
            JpaDeviceRecords devices = new JpaDeviceRecords(db.database);
            JpaVmRecords vms = new JpaVmRecords(db.database);
            SqlAllocationRecords allocations = new SqlAllocationRecords(db.database, signals);
            SqlTaskRecords tasks = new SqlTaskRecords(db.database);
            String host = prefix + "host";
            Device device = devices.report(host, prefix + "sim", "xilinx", descriptor(prefix + "task-card"));
            Instant now = T0.truncatedTo(ChronoUnit.MICROS);
            VirtualMachine vm = vms.register(
                    new VirtualMachine(prefix + "vm-t", "web-t", OsInfo.of("linux", "5.15.0"), false, now),
                    Sha256.of(("7" + prefix.replace("-", "0").replace("t", "a"))
                            .repeat(64)
                            .substring(0, 64)),
                    "karaf");
            java.util.concurrent.BlockingQueue<String> queued = new java.util.concurrent.LinkedBlockingQueue<>();
            java.util.concurrent.BlockingQueue<String> changed = new java.util.concurrent.LinkedBlockingQueue<>();
            signals.subscribe(Signals.TASK_QUEUED, queued::add);
            signals.subscribe(Signals.ALLOCATION_CHANGED, changed::add);
            if (db.database.postgres()) {
                Thread.sleep(1_000); // the listener's LISTEN is in place
            }

            Allocation reserved = newAllocation(prefix + "at", vm.id(), device.id(), "0", now);
            allocations.reserve(reserved, device.region("0").orElseThrow(), Optional.empty(), "karaf");
            Region held = devices.device(device.id()).orElseThrow().region("0").orElseThrow();
            Region programming = new Region(
                    held.id(),
                    held.kind(),
                    held.capacity(),
                    RegionState.PROGRAMMING,
                    Optional.empty(),
                    Optional.empty());
            Allocation queuedAllocation = reserved.moveTo(AllocationState.PROGRAMMING, now.plusSeconds(1));
            ProgrammingTask task = allocations.dispatch(
                    reserved, queuedAllocation, new AllocationRecords.RegionChange(held, programming), host, "karaf");
            assertThat(queued.poll(10, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the host is signalled with the commit")
                    .isEqualTo(host);
            assertThat(tasks.ofAllocation(reserved.id()).orElseThrow().state()).isEqualTo(ProgrammingTask.State.QUEUED);

            assertThat(tasks.claim(host, "s".repeat(32), 4))
                    .singleElement()
                    .satisfies(c -> assertThat(c.task().id()).isEqualTo(task.id()))
                    .satisfies(
                            c -> assertThat(c.allocation()).as("as dispatched").isEqualTo(queuedAllocation))
                    .satisfies(c -> assertThat(c.region()).as("as dispatched").isEqualTo(programming));
            Sha256 image = Sha256.of("ab".repeat(32));
            Region loaded = new Region(
                    held.id(),
                    held.kind(),
                    held.capacity(),
                    RegionState.ACTIVE,
                    Optional.of(reserved.personalityId()),
                    Optional.of(image));
            Allocation active = allocations.finishTask(
                    task.id(),
                    queuedAllocation,
                    queuedAllocation.moveTo(AllocationState.ACTIVE, now.plusSeconds(2)),
                    new AllocationRecords.RegionChange(programming, loaded),
                    true,
                    "programmed",
                    Optional.of(3.5),
                    "hwp-task-worker");
            assertThat(changed.poll(10, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the waiting node is signalled with the commit")
                    .isEqualTo(reserved.id());
            assertThat(allocations.find(reserved.id()).orElseThrow().state())
                    .isEqualTo(active.state())
                    .isEqualTo(AllocationState.ACTIVE);
            assertThat(devices.device(device.id()).orElseThrow().region("0").orElseThrow())
                    .isEqualTo(loaded);
            assertThat(tasks.ofAllocation(reserved.id()).orElseThrow())
                    .satisfies(t -> assertThat(t.state()).isEqualTo(ProgrammingTask.State.DONE))
                    .satisfies(t -> assertThat(t.durationMs()).contains(3.5));

            Allocation failed = queuedAllocation.moveTo(AllocationState.FAILED, now.plusSeconds(3));
            assertThatThrownBy(() -> allocations.finishTask(
                            task.id(),
                            queuedAllocation,
                            failed,
                            new AllocationRecords.RegionChange(programming, loaded),
                            false,
                            "again",
                            Optional.empty(),
                            "hwp-task-worker"))
                    .as("a task finishes once: the allocation is no longer PROGRAMMING")
                    .isInstanceOf(HwpException.class);
            assertThat(allocations.find(reserved.id()).orElseThrow().state()).isEqualTo(AllocationState.ACTIVE);
            assertThat(changed.poll(500, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .as("no signal for a change that was not committed")
                    .isNull();
        } finally {
            signals.stop();
        }
    }

    private static org.hwpersonality.api.backend.DeviceDescriptor descriptor(String localId) {
        Resources capacity = new Resources(400_000, 800_000, 600, 2_000, 4_096);
        return new org.hwpersonality.api.backend.DeviceDescriptor(
                localId,
                "xilinx",
                "Simulated U250",
                "alveo-u250",
                "8c2e0b3a9d4f4e1b8a6c5d7e9f0a1b2c",
                List.of(new org.hwpersonality.api.backend.RegionDescriptor(
                        "0", RegionKind.PARTIAL, capacity, Optional.empty(), Optional.empty())),
                DeviceHealth.OK);
    }

    @Test
    void devicesAreRecordedAsTheirBackEndsReportThem() {
        JpaDeviceRecords records = new JpaDeviceRecords(db.database);
        String backend = prefix + "sim"; // devices of other tests have back end "sim"
        Resources capacity = new Resources(400_000, 800_000, 600, 2_000, 4_096);
        String local = prefix + "card";
        String id = Device.qualifiedId("node-1", local);
        org.hwpersonality.api.backend.DeviceDescriptor reported = new org.hwpersonality.api.backend.DeviceDescriptor(
                local,
                "xilinx",
                "Simulated U250",
                "alveo-u250",
                "8c2e0b3a9d4f4e1b8a6c5d7e9f0a1b2c",
                List.of(
                        new org.hwpersonality.api.backend.RegionDescriptor(
                                "0", RegionKind.PARTIAL, capacity, Optional.empty(), Optional.empty()),
                        new org.hwpersonality.api.backend.RegionDescriptor(
                                "1",
                                RegionKind.PARTIAL,
                                capacity,
                                Optional.of(Sha256.of("c".repeat(64))),
                                Optional.empty(),
                                Optional.of(new org.hwpersonality.api.device.PciAddress(0, 0x3b, 0, 2)))),
                DeviceHealth.OK);
        Device first = records.report("node-1", backend, "xilinx", reported);
        assertThat(first.region("1").orElseThrow().guestFunction().map(Object::toString))
                .contains("0000:3b:00.2");
        assertThat(first.region("0").orElseThrow().guestFunction()).isEmpty();
        assertThat(first.state()).isEqualTo(DeviceState.ONLINE);
        assertThat(first.backend()).isEqualTo(backend);
        assertThat(first.regions()).extracting(Region::state).containsOnly(RegionState.FREE);
        assertThat(first.region("1").orElseThrow().loadedImage()).contains(Sha256.of("c".repeat(64)));
        assertThat(records.device(id)).contains(first);

        assertThat(records.setState(id, DeviceState.DRAINING).state()).isEqualTo(DeviceState.DRAINING);
        assertThat(records.report("node-1", backend, "xilinx", reported).state())
                .as("an operator's drain stays")
                .isEqualTo(DeviceState.DRAINING);
        assertThatThrownBy(() -> records.setState(id, DeviceState.OFFLINE, DeviceState.ONLINE))
                .isInstanceOf(HwpException.class)
                .hasMessage("device " + id + " is DRAINING, not OFFLINE");
        assertThat(records.device(id).orElseThrow().state()).isEqualTo(DeviceState.DRAINING);
        assertThat(records.setState(id, DeviceState.DRAINING, DeviceState.ONLINE)
                        .state())
                .isEqualTo(DeviceState.ONLINE);
        assertThat(records.markOffline("node-1", backend, java.util.Set.of(local)))
                .as("still reported")
                .isZero();
        Instant now = T0.truncatedTo(ChronoUnit.MICROS);
        Allocation running = new Allocation(
                prefix + "on-card",
                "vm-1",
                request("vm-1"),
                "p-1",
                id,
                "1",
                AllocationState.ACTIVE,
                Optional.empty(),
                Optional.empty(),
                now,
                now);
        db.database.inTransaction(em -> {
            em.persist(new AllocationEntity(running));
            return null;
        });
        assertThat(records.markOffline("node-1", backend, java.util.Set.of())).isPositive();
        Allocation kept = db.database.read(
                em -> em.find(AllocationEntity.class, running.id()).toDomain());
        assertThat(kept).as("allocations on an OFFLINE device are kept").isEqualTo(running);
        assertThat(records.device(id).orElseThrow().state()).isEqualTo(DeviceState.OFFLINE);
        assertThat(records.markOffline("node-1", backend, java.util.Set.of()))
                .as("already offline")
                .isZero();
        assertThat(records.report("node-1", backend, "xilinx", reported).state())
                .as("back with its back end")
                .isEqualTo(DeviceState.ONLINE);
        assertThat(records.devices()).extracting(Device::id).contains(id);
        assertThat(records.device(id).orElseThrow())
                .as("the node qualifies the back end's ID")
                .extracting(Device::node, Device::localId)
                .containsExactly("node-1", local);
        assertThat(records.markOffline("node-2", backend, java.util.Set.of()))
                .as("another node's back end of the same name leaves this node's devices alone")
                .isZero();
        assertThatThrownBy(() -> records.setState(prefix + "nope", DeviceState.DRAINING))
                .isInstanceOf(HwpException.class)
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void theSampleCatalogueCoversSeveralWorkloadsAndFamilies() {
        assertThat(samples.stream()
                        .flatMap(p -> p.workloads().stream())
                        .map(w -> w.workload())
                        .distinct())
                .contains(
                        "ml-inference", "video-transcode", "compression", "database-acceleration", "network-function");
        assertThat(samples.stream()
                        .map(p -> p.compatibility().family())
                        .distinct()
                        .count())
                .isGreaterThanOrEqualTo(4);
        assertThat(samples.stream().map(p -> p.compatibility().vendor()).distinct())
                .contains("xilinx", "intel");
        assertThat(samples).allSatisfy(p -> assertThat(p.origin()).isEqualTo(Origin.IMPORTED));
        assertThat(samples.stream().map(PersonalityProfile::compatibility).map(Compatibility::interfaceIds))
                .allMatch(Set::isEmpty);
    }

    /** {@code size} bytes that differ from one call to the next, and their SHA-256. */
    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static Sha256 sha256(byte[] bytes) {
        try {
            return Sha256.of(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private int chunkRows(Sha256 sha) {
        return db.database.jdbcRead(c -> {
            try (var s = c.prepareStatement("SELECT COUNT(*) FROM HWP_BLOB_CHUNK WHERE SHA256 = ?")) {
                s.setString(1, sha.hex());
                try (var rs = s.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    @Test
    void blobsAreStoredInChunksOnceAndReadBackByteForByte() throws Exception {
        SqlBlobRecords blobs = new SqlBlobRecords(db.database);
        byte[] content = randomBytes(2 * SqlBlobRecords.CHUNK_BYTES + 12345);
        Sha256 sha = sha256(content);
        assertThat(blobs.exists(sha)).isFalse();
        assertThat(blobs.size(sha)).isEqualTo(-1);
        assertThatThrownBy(() -> blobs.open(sha))
                .isInstanceOf(HwpException.class)
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.NOT_FOUND);

        assertThat(blobs.put(sha, new java.io.ByteArrayInputStream(content))).isTrue();
        assertThat(blobs.exists(sha)).isTrue();
        assertThat(blobs.size(sha)).isEqualTo(content.length);
        assertThat(chunkRows(sha)).isEqualTo(3);
        try (var in = blobs.open(sha)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        java.io.InputStream unread = new java.io.InputStream() {
            @Override
            public int read() {
                throw new AssertionError("a stored blob's content is not read again");
            }
        };
        assertThat(blobs.put(sha, unread)).as("stored once").isFalse();
        assertThat(chunkRows(sha)).isEqualTo(3);
    }

    @Test
    void aBlobWhoseContentIsNotItsNameIsRefusedAndNothingIsStored() {
        SqlBlobRecords blobs = new SqlBlobRecords(db.database);
        byte[] content = randomBytes(SqlBlobRecords.CHUNK_BYTES + 1);
        Sha256 claimed = sha256(randomBytes(16));
        assertThatThrownBy(() -> blobs.put(claimed, new java.io.ByteArrayInputStream(content)))
                .isInstanceOf(org.hwpersonality.api.ValidationException.class)
                .hasMessage("content: has the SHA-256 " + sha256(content).hex() + ", not " + claimed.hex());
        assertThat(blobs.exists(claimed)).isFalse();
        assertThat(chunkRows(claimed)).isZero();
        Sha256 empty = sha256(new byte[0]);
        assertThatThrownBy(() -> blobs.put(empty, new java.io.ByteArrayInputStream(new byte[0])))
                .hasMessage("content: is empty");
        assertThat(blobs.exists(empty)).isFalse();
    }

    @Test
    void nodesStoringTheSameBlobAtOnceStoreItOnce() throws Exception {
        SqlBlobRecords blobs = new SqlBlobRecords(db.database);
        byte[] content = randomBytes(3 * SqlBlobRecords.CHUNK_BYTES);
        Sha256 sha = sha256(content);
        int nodes = 4;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(nodes);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(nodes);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return blobs.put(sha, new java.io.ByteArrayInputStream(content));
                }));
            }
            int created = 0;
            for (var r : results) {
                created += r.get() ? 1 : 0;
            }
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(chunkRows(sha)).isEqualTo(3);
        try (var in = blobs.open(sha)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void onlyBlobsStoredBeforeTheCutoffAreCollected() throws Exception {
        SqlBlobRecords blobs = new SqlBlobRecords(db.database);
        byte[] old = randomBytes(100);
        byte[] young = randomBytes(100);
        blobs.put(sha256(old), new java.io.ByteArrayInputStream(old));
        blobs.put(sha256(young), new java.io.ByteArrayInputStream(young));
        Instant hourAgo = Instant.now().minus(java.time.Duration.ofHours(1));
        db.database.inOwnJdbcTransaction(c -> {
            try (var s = c.prepareStatement("UPDATE HWP_BLOB SET STORED_AT = ? WHERE SHA256 = ?")) {
                s.setTimestamp(1, java.sql.Timestamp.from(hourAgo));
                s.setString(2, sha256(old).hex());
                return s.executeUpdate();
            }
        });
        Instant cutoff = Instant.now().minus(java.time.Duration.ofMinutes(10));
        assertThat(blobs.storedBefore(cutoff)).contains(sha256(old)).doesNotContain(sha256(young));
        assertThat(blobs.delete(sha256(young), cutoff)).as("too young").isFalse();
        assertThat(blobs.exists(sha256(young))).isTrue();

        blobs.put(sha256(old), new java.io.ByteArrayInputStream(old));
        assertThat(blobs.delete(sha256(old), cutoff))
                .as("stored again just now: kept for another grace period")
                .isFalse();
        db.database.inOwnJdbcTransaction(c -> {
            try (var s = c.prepareStatement("UPDATE HWP_BLOB SET STORED_AT = ? WHERE SHA256 = ?")) {
                s.setTimestamp(1, java.sql.Timestamp.from(hourAgo));
                s.setString(2, sha256(old).hex());
                return s.executeUpdate();
            }
        });
        assertThat(blobs.delete(sha256(old), cutoff)).isTrue();
        assertThat(blobs.exists(sha256(old))).isFalse();
        assertThat(chunkRows(sha256(old))).isZero();
        assertThat(blobs.delete(sha256(old), cutoff)).as("already gone").isFalse();
    }

    @Test
    void nodesStartingAtOnceGetTheSameSigningKey() throws Exception {
        SqlSigningKeys keys = new SqlSigningKeys(db.database);
        String purpose = prefix + "signing";
        assertThat(keys.find(purpose)).isEmpty();
        int nodes = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(nodes);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(nodes);
        List<org.hwpersonality.api.store.SigningKeys.KeyPairRecord> got = new ArrayList<>();
        try {
            List<java.util.concurrent.Future<org.hwpersonality.api.store.SigningKeys.KeyPairRecord>> results =
                    new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                byte[] own = randomBytes(32);
                results.add(pool.submit(() -> {
                    start.await();
                    return keys.storeIfAbsent(
                            purpose, new org.hwpersonality.api.store.SigningKeys.KeyPairRecord("Ed25519", own, own));
                }));
            }
            for (var r : results) {
                got.add(r.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(got).hasSize(nodes).allSatisfy(k -> assertThat(k).isEqualTo(got.get(0)));
        assertThat(keys.find(purpose)).contains(got.get(0));
    }
}
