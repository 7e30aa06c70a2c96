package org.hwpersonality.management.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.allocation.Reconfiguration;
import org.hwpersonality.api.artifact.Bitstream;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.DeviceDescriptor;
import org.hwpersonality.api.backend.ImageDescriptor;
import org.hwpersonality.api.backend.ProgrammingRequest;
import org.hwpersonality.api.backend.ProgrammingResult;
import org.hwpersonality.api.backend.ReconfigurationBackend;
import org.hwpersonality.api.device.BackendInfo;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.profile.ClockSetting;
import org.hwpersonality.api.profile.Compatibility;
import org.hwpersonality.api.profile.FabricConfiguration;
import org.hwpersonality.api.profile.MemoryMap;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.OsSupport;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.profile.WorkloadProfile;
import org.hwpersonality.api.service.BitstreamStore;
import org.hwpersonality.api.service.DeviceService;
import org.hwpersonality.api.service.ProfileRepository;
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
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The fleet: back ends arrive and leave at runtime (a dynamic, multiple, greedy reference keyed by vendor). When
 * one arrives its devices are discovered and recorded (OFFLINE ones come back ONLINE); when it leaves its devices
 * become OFFLINE, allocations untouched. Back-end calls run on one worker thread, in arrival order, never on the
 * thread that binds.
 */
@Component(
        service = {DeviceService.class, DeviceInventory.class},
        immediate = true,
        configurationPid = "org.hwpersonality.devices")
@Designate(ocd = DeviceInventory.Config.class)
public class DeviceInventory implements DeviceService {
    private static final Logger LOG = Logger.getLogger(DeviceInventory.class.getName());

    /** A bound back end and the bundle that provides it. */
    private record Bound(ReconfigurationBackend backend, String bundle, String version) {}

    private final DeviceRecords records;
    private final ProfileRepository profiles;
    private final BitstreamStore bitstreams;
    private final Map<String, Bound> backends = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hwp-device-inventory");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public DeviceInventory(
            @Reference DeviceRecords records,
            @Reference ProfileRepository profiles,
            @Reference BitstreamStore bitstreams,
            Config config) {
        this.records = records;
        this.profiles = profiles;
        this.bitstreams = bitstreams;
        long seconds = Math.max(1, config.rescanSeconds());
        scheduler.scheduleWithFixedDelay(() -> worker.execute(this::discoverAll), seconds, seconds, TimeUnit.SECONDS);
    }

    /** How often the back ends are asked for their devices again. */
    @ObjectClassDefinition(name = "HWP Device inventory", description = "How the fleet is kept up to date.")
    public @interface Config {
        @AttributeDefinition(
                name = "Rescan interval (seconds)",
                description = "Back ends are asked for their devices again this often.")
        long rescanSeconds() default 30;
    }

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hwp-device-rescan");
        t.setDaemon(true);
        return t;
    });

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
        if (worker.isShutdown()) {
            return; // this component was deactivated first (shutdown): it goes, not the back end's devices
        }
        worker.execute(() -> {
            int offline = records.markOffline(backend.vendor(), java.util.Set.of());
            changed();
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
            records.markOffline(
                    vendor, found.stream().map(DeviceDescriptor::id).collect(java.util.stream.Collectors.toSet()));
            changed();
            LOG.info("Back end '" + vendor + "': " + found.size() + " devices");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Back end '" + backend.vendor() + "' could not list its devices", e);
        }
    }

    private void discoverAll() {
        backends.values().forEach(b -> discover(b.backend()));
    }

    @Override
    public void rescan() {
        try {
            worker.submit(this::discoverAll).get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new HwpException(ErrorCode.CONFLICT, "rescan did not complete: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HwpException(ErrorCode.CONFLICT, "rescan interrupted", e);
        }
    }

    @Override
    public Reconfiguration reconfigure(String deviceId, String regionId, String personalityId) {
        Device device = onlineDevice(deviceId);
        Region region = freeRegion(device, regionId);
        PersonalityProfile profile =
                profiles.find(personalityId).orElseThrow(() -> HwpException.notFound("profile", personalityId));
        FitCheck.require(profile, device, region);
        Path image = bitstreams.path(profile.fabric().bitstream());
        try {
            return reconfigureRegion(device, region, profile, image);
        } finally {
            changed();
        }
    }

    private Reconfiguration reconfigureRegion(Device device, Region region, PersonalityProfile profile, Path image) {
        String deviceId = device.id();
        String regionId = region.id();
        String personalityId = profile.personalityId();
        return program(
                device,
                region,
                backends.get(device.backend()).backend().inspect(image),
                new ProgrammingRequest(
                        deviceId,
                        regionId,
                        image,
                        profile.fabric().bitstream(),
                        personalityId,
                        profile.fabric().clocks(),
                        profile.memoryMap(),
                        profile.peripherals()));
    }

    @Override
    public PersonalityProfile characterize(String deviceId, Sha256 image, String workload, String name, OsSupport os) {
        Device device = onlineDevice(deviceId);
        Bitstream bitstream = bitstreams.find(image).orElseThrow(() -> HwpException.notFound("bitstream", image.hex()));
        Region region = device.regions().stream()
                .filter(r -> r.state() == RegionState.FREE)
                .findFirst()
                .orElseThrow(() -> HwpException.conflict("device " + deviceId + " has no FREE region"));
        String personalityId = name + "-v1";
        if (profiles.find(personalityId).isPresent()) {
            throw HwpException.conflict("profile " + personalityId + " exists already; choose another --name");
        }
        ReconfigurationBackend backend = backends.get(device.backend()).backend();
        ImageDescriptor descriptor = backend.inspect(bitstreams.path(image));
        program(
                device,
                region,
                descriptor,
                new ProgrammingRequest(
                        deviceId,
                        region.id(),
                        bitstreams.path(image),
                        image,
                        personalityId,
                        List.of(),
                        null,
                        List.of()));
        PerformanceFigures measured = backend.measure(deviceId, region.id(), workload)
                .orElseThrow(() -> new HwpException(
                        ErrorCode.CONFLICT,
                        "back end '" + device.backend() + "' cannot measure " + workload + " on " + bitstream.name()));
        List<ClockSetting> clocks = descriptor.clocksMhz().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new ClockSetting(e.getKey(), e.getValue()))
                .toList();
        // What the image needs of the region is not known from outside: the profile claims the whole region.
        return profiles.store(new PersonalityProfile(
                personalityId,
                name,
                1,
                "Characterized from " + bitstream.name() + " on " + deviceId + "/" + region.id(),
                new Compatibility(device.vendor(), device.family(), Set.of(device.interfaceId())),
                List.of(new WorkloadProfile(workload, measured)),
                List.of(os),
                new FabricConfiguration(image, region.kind(), region.capacity(), clocks),
                MemoryMap.EMPTY,
                List.of(),
                List.of(),
                Origin.CHARACTERIZED,
                Optional.empty(),
                ProfileStatus.ACTIVE,
                Instant.now()));
    }

    /** Runs {@code listener} after each change of the recorded fleet (discovery, OFFLINE, drain, programming). */
    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }

    /** Whether the back end of this name is present. */
    boolean present(String backend) {
        return backends.containsKey(backend);
    }

    /**
     * Has the device's back end program a region with a profile's image and settings (no database writes: the
     * caller records the states around it). BackendException when the back end fails; CONFLICT when it is absent.
     */
    ProgrammingResult programOnBackend(Device device, String regionId, PersonalityProfile profile) {
        Bound bound = backends.get(device.backend());
        if (bound == null) {
            throw HwpException.conflict(
                    "device " + device.id() + " is OFFLINE: its back end '" + device.backend() + "' is not present");
        }
        Path image = bitstreams.path(profile.fabric().bitstream());
        ImageDescriptor descriptor = bound.backend().inspect(image);
        bound.backend().validate(descriptor, device.id());
        return bound.backend()
                .program(new ProgrammingRequest(
                        device.id(),
                        regionId,
                        image,
                        profile.fabric().bitstream(),
                        profile.personalityId(),
                        profile.fabric().clocks(),
                        profile.memoryMap(),
                        profile.peripherals()));
    }

    /**
     * What the back end reports loaded in a region now: empty if the back end is absent or no longer lists the
     * region; else the image, if any.
     */
    Optional<Optional<Sha256>> reportedImage(Device device, String regionId) {
        Bound bound = backends.get(device.backend());
        if (bound == null) {
            return Optional.empty();
        }
        return bound.backend().discover().stream()
                .filter(d -> d.id().equals(device.id()))
                .flatMap(d -> d.regions().stream())
                .filter(r -> r.id().equals(regionId))
                .findFirst()
                .map(r -> r.loadedImage());
    }

    private Device onlineDevice(String deviceId) {
        Device device = records.device(deviceId).orElseThrow(() -> HwpException.notFound("device", deviceId));
        if (!backends.containsKey(device.backend()) || device.state() == DeviceState.OFFLINE) {
            throw HwpException.conflict(
                    "device " + deviceId + " is OFFLINE: its back end '" + device.backend() + "' is not present");
        }
        return device;
    }

    private static Region freeRegion(Device device, String regionId) {
        Region region = device.region(regionId)
                .orElseThrow(() -> HwpException.notFound("region", device.id() + "/" + regionId));
        if (region.state() != RegionState.FREE) {
            throw HwpException.conflict(
                    "region " + device.id() + "/" + regionId + " is " + region.state() + ", not FREE");
        }
        return region;
    }

    /**
     * Programs a region with an image its back end has read ({@code image}): PROGRAMMING is recorded first; afterwards the region is FREE holding the image, or as it
     * was if programming failed, or FAILED (content unknown) after a timeout.
     */
    private Reconfiguration program(Device device, Region region, ImageDescriptor image, ProgrammingRequest request) {
        ReconfigurationBackend backend = backends.get(device.backend()).backend();
        Region programming = new Region(
                region.id(),
                region.kind(),
                region.capacity(),
                RegionState.PROGRAMMING,
                region.loadedPersonalityId(),
                region.loadedImage());
        records.changeRegion(device.id(), region, programming);
        try {
            backend.validate(image, device.id());
            ProgrammingResult result = backend.program(request);
            records.changeRegion(
                    device.id(),
                    programming,
                    new Region(
                            region.id(),
                            region.kind(),
                            region.capacity(),
                            RegionState.FREE,
                            Optional.of(request.personalityId()),
                            Optional.of(request.imageSha256())));
            return new Reconfiguration(!result.skipped(), result.durationMs());
        } catch (BackendException e) {
            Region after = e.kind() == BackendException.Kind.TIMEOUT
                    ? new Region(
                            region.id(),
                            region.kind(),
                            region.capacity(),
                            RegionState.FAILED,
                            Optional.empty(),
                            Optional.empty())
                    : region;
            records.changeRegion(device.id(), programming, after);
            throw e;
        } catch (RuntimeException e) {
            records.changeRegion(device.id(), programming, region);
            throw e;
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
        Device drained = records.setState(deviceId, DeviceState.DRAINING);
        changed();
        return drained;
    }

    @Deactivate
    void stop() throws InterruptedException {
        scheduler.shutdownNow();
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }
}
