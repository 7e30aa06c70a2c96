package org.hwpersonality.management.internal;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hwpersonality.api.service.DeviceService;
import org.hwpersonality.artifacts.internal.ArtifactStorage;
import org.hwpersonality.artifacts.internal.FileBitstreamStore;
import org.hwpersonality.artifacts.internal.SignedDriverRepository;
import org.hwpersonality.backend.sim.internal.SimBackend;
import org.hwpersonality.backend.sim.internal.SimFleet;
import org.hwpersonality.matcher.internal.DefaultMatcher;
import org.hwpersonality.repository.internal.JpaArtifactRecords;
import org.hwpersonality.repository.internal.JpaDeviceRecords;
import org.hwpersonality.repository.internal.JpaEventLog;
import org.hwpersonality.repository.internal.JpaProfileRepository;
import org.hwpersonality.repository.internal.JpaVmRecords;
import org.hwpersonality.repository.internal.SampleCatalogue;
import org.hwpersonality.repository.internal.SqlAllocationRecords;
import org.hwpersonality.repository.internal.SqlBlobRecords;
import org.hwpersonality.repository.internal.SqlSigningKeys;
import org.hwpersonality.repository.internal.TestDatabase;

/**
 * The platform as Karaf wires it, without Karaf: embedded Derby, the real stores, the sample catalogue with its
 * images and signed drivers, the simulator with the given fleets, the device inventory and the management service.
 */
final class Platform implements AutoCloseable {
    /** A U250 fleet with two partial regions per card, like the distribution's {@code fleet-u250-pr}. */
    static Map<String, Object> u250(String prefix, int devices) {
        return Map.of(
                "idPrefix",
                prefix,
                "devices",
                devices,
                "family",
                "alveo-u250",
                "interfaceId",
                "a7c3e1f0b25011ee8c900242ac120251",
                "regions",
                2,
                "regionLuts",
                400_000L,
                "regionRegisters",
                800_000L,
                "regionBramBlocks",
                600L,
                "regionDsps",
                2_000L,
                "regionMemoryMb",
                8_192L);
    }

    final TestDatabase db;
    final JpaProfileRepository profiles;
    final JpaDeviceRecords devices;
    final SqlAllocationRecords allocations;
    final JpaVmRecords vms;
    final JpaEventLog events;
    final SignedDriverRepository drivers;
    final JpaArtifactRecords artifacts;
    final FileBitstreamStore bitstreams;
    final SimBackend sim = new SimBackend();
    final org.hwpersonality.repository.internal.DatabaseSignals signals;
    final BackendRegistry registry = new BackendRegistry();
    final org.hwpersonality.metrics.HwpMetrics metrics = org.hwpersonality.metrics.HwpMetrics.enabled();
    final NodeIdentity node;
    final DeviceInventory inventory;
    final Management management;
    final org.hwpersonality.repository.internal.SqlOutcomeRecords outcomes;

    @SafeVarargs
    Platform(Path folder, Map<String, Object> management, Map<String, Object>... fleets) {
        this(TestDatabase.derby(), folder, "node-1", "api,host", management, fleets);
    }

    /**
     * A node on {@code db}, which other Platforms may share (PostgreSQL): the first one stores the sample catalogue;
     * each has its own blob folder, back-end registry and simulator with the given fleets.
     */
    @SafeVarargs
    Platform(
            TestDatabase db,
            Path folder,
            String nodeId,
            String roles,
            Map<String, Object> management,
            Map<String, Object>... fleets) {
        this.db = db;
        profiles = new JpaProfileRepository(db.database);
        devices = new JpaDeviceRecords(db.database);
        org.hwpersonality.repository.internal.DatabaseSignals signals =
                new org.hwpersonality.repository.internal.DatabaseSignals(db.database);
        this.signals = signals;
        allocations = new SqlAllocationRecords(db.database, signals);
        vms = new JpaVmRecords(db.database);
        events = new JpaEventLog(db.database);
        artifacts = new JpaArtifactRecords(db.database);
        ArtifactStorage storage = new ArtifactStorage(
                config(
                        ArtifactStorage.Config.class,
                        Map.of(
                                "blobFolder", folder.resolve("blobs").toString(),
                                "keyFolder", folder.resolve("keys").toString())),
                new SqlBlobRecords(db.database),
                new SqlSigningKeys(db.database));
        bitstreams = new FileBitstreamStore(storage, artifacts);
        bitstreams.bindBackend(sim);
        drivers = new SignedDriverRepository(storage, artifacts, profiles);
        new SampleCatalogue(profiles, bitstreams, drivers, config(SampleCatalogue.Config.class, Map.of()));
        for (Map<String, Object> fleet : fleets) {
            sim.bindFleet(new SimFleet(config(SimFleet.Config.class, fleet)));
        }
        node = new NodeIdentity(
                new org.hwpersonality.repository.internal.SqlNodeRecords(db.database),
                config(NodeIdentity.Config.class, Map.of("id", nodeId, "roles", roles)),
                Map.of(),
                null);
        registry.bindBackend(sim);
        inventory = new DeviceInventory(
                devices,
                profiles,
                bitstreams,
                registry,
                node,
                signals,
                metrics,
                config(DeviceInventory.Config.class, inventorySettings(management)));
        inventory.rescan();
        this.outcomes = new org.hwpersonality.repository.internal.SqlOutcomeRecords(db.database);
        this.management = new Management(
                new DefaultMatcher(),
                profiles,
                drivers,
                allocations,
                vms,
                new org.hwpersonality.repository.internal.JpaTenantRecords(db.database),
                new org.hwpersonality.repository.internal.SqlSharingRecords(db.database),
                artifacts,
                devices,
                inventory,
                node,
                new org.hwpersonality.repository.internal.SqlTaskRecords(db.database),
                signals,
                new org.hwpersonality.repository.internal.JpaEventLog(db.database),
                metrics,
                outcomes,
                config(Management.Config.class, withDefaults(managementSettings(management))));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!this.management.isReady() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    /** The settings of the device inventory among a test's settings ({@code bringUp…}); rescans rarely. */
    private static Map<String, Object> inventorySettings(Map<String, Object> settings) {
        Map<String, Object> out = new java.util.HashMap<>(Map.of("rescanSeconds", 3600L));
        settings.forEach((k, v) -> {
            if (k.startsWith("bringUp") || k.equals("backgroundQuietSeconds")) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Map<String, Object> managementSettings(Map<String, Object> settings) {
        Map<String, Object> out = new java.util.HashMap<>(settings);
        out.keySet().removeIf(k -> k.startsWith("bringUp") || k.equals("backgroundQuietSeconds"));
        return out;
    }

    /** Background work that would race a test's own steps runs rarely, unless the test asks otherwise. */
    private static Map<String, Object> withDefaults(Map<String, Object> management) {
        Map<String, Object> all =
                new java.util.HashMap<>(Map.of("reconcileEverySeconds", 3600L, "deviceRefreshSeconds", 3600L));
        all.putAll(management);
        return all;
    }

    DeviceService deviceService() {
        return inventory;
    }

    List<org.hwpersonality.api.device.Device> fleet() {
        return devices.devices();
    }

    /** A reconciler of this node's allocations older than {@code staleAfter}, as the management service runs it. */
    Reconciler reconciler(java.time.Duration staleAfter, org.hwpersonality.api.store.TaskRecords tasks) {
        return new Reconciler(
                allocations,
                devices,
                profiles,
                registry,
                inventory.programming(),
                new Events(),
                staleAfter,
                inventory::ours,
                tasks,
                management::plugOf,
                metrics);
    }

    Reconciler reconciler(java.time.Duration staleAfter) {
        return reconciler(staleAfter, new org.hwpersonality.repository.internal.SqlTaskRecords(db.database));
    }

    /** An instance of a component property type with these values and the defaults for the rest. */
    @SuppressWarnings("unchecked")
    static <A> A config(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (values.containsKey(method.getName())) {
                return values.get(method.getName());
            }
            if (method.getDefaultValue() != null) {
                return method.getDefaultValue();
            }
            throw new IllegalArgumentException("no value for " + method.getName());
        });
    }

    @Override
    public void close() throws Exception {
        management.stop();
        inventory.stop();
        signals.stop();
        node.stop();
        db.close();
    }
}
