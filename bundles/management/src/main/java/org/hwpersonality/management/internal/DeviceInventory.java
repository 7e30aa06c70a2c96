package org.hwpersonality.management.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.backend.DeviceDescriptor;
import org.hwpersonality.api.backend.ReconfigurationBackend;
import org.hwpersonality.api.device.BackendInfo;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.service.DeviceService;
import org.hwpersonality.api.store.DeviceRecords;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The fleet: back ends arrive and leave at runtime (a dynamic, multiple, greedy reference keyed by vendor). When
 * one arrives its devices are discovered and recorded (OFFLINE ones come back ONLINE); when it leaves its devices
 * become OFFLINE, allocations untouched. Back-end calls run on one worker thread, in arrival order, never on the
 * thread that binds.
 */
@Component(service = DeviceService.class, immediate = true)
public class DeviceInventory implements DeviceService {
    private static final Logger LOG = Logger.getLogger(DeviceInventory.class.getName());

    /** A bound back end and the bundle that provides it. */
    private record Bound(ReconfigurationBackend backend, String bundle, String version) {}

    private final DeviceRecords records;
    private final Map<String, Bound> backends = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hwp-device-inventory");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public DeviceInventory(@Reference DeviceRecords records) {
        this.records = records;
    }

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBackend(ReconfigurationBackend backend) {
        Bundle bundle = FrameworkUtil.getBundle(backend.getClass());
        String name = bundle == null ? backend.getClass().getName() : bundle.getSymbolicName();
        String version = bundle == null ? "-" : bundle.getVersion().toString();
        backends.put(backend.vendor(), new Bound(backend, name, version));
        worker.execute(() -> discover(backend));
    }

    void unbindBackend(ReconfigurationBackend backend) {
        backends.remove(backend.vendor(), backends.get(backend.vendor()));
        worker.execute(() -> {
            int offline = records.markOffline(backend.vendor());
            LOG.info("Back end '" + backend.vendor() + "' left: " + offline + " devices OFFLINE");
        });
    }

    private void discover(ReconfigurationBackend backend) {
        try {
            List<DeviceDescriptor> found = backend.discover();
            String vendor = backend.vendor();
            for (DeviceDescriptor d : found) {
                records.report(vendor, d.vendor(), d);
            }
            LOG.info("Back end '" + vendor + "': " + found.size() + " devices");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Back end '" + backend.vendor() + "' could not list its devices", e);
        }
    }

    @Override
    public List<Device> devices() {
        return records.devices();
    }

    @Override
    public Optional<Device> device(String deviceId) {
        return records.device(deviceId);
    }

    @Override
    public List<BackendInfo> backends() {
        List<Device> devices = records.devices();
        return backends.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new BackendInfo(
                        e.getKey(), e.getValue().bundle(), e.getValue().version(), (int) devices.stream()
                                .filter(d -> d.backend().equals(e.getKey()) && d.state() != DeviceState.OFFLINE)
                                .count()))
                .toList();
    }

    @Override
    public Device drain(String deviceId) {
        records.device(deviceId).orElseThrow(() -> HwpException.notFound("device", deviceId));
        return records.setState(deviceId, DeviceState.DRAINING);
    }

    @Deactivate
    void stop() throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }
}
