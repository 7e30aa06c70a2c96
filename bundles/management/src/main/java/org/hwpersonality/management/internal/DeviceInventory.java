package org.hwpersonality.management.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.Settings;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.allocation.Reconfiguration;
import org.hwpersonality.api.device.BackendInfo;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.node.Node;
import org.hwpersonality.api.node.NodeRole;
import org.hwpersonality.api.profile.OsSupport;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.BitstreamStore;
import org.hwpersonality.api.service.DeviceService;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.api.store.DeviceRecords;
import org.hwpersonality.api.store.Signals;
import org.hwpersonality.metrics.HwpMetrics;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The fleet as this node serves it: every node's devices as the database has them, this node's back ends, and the
 * jobs on this node's own devices, each in a class of its own — {@link Discovery} (a host node's back ends report
 * its devices), {@link ManualReconfiguration} and {@link Characterization}, all programming through the one {@link
 * RegionProgramming} state machine.
 */
@Component(
        service = {DeviceService.class, DeviceInventory.class},
        immediate = true,
        configurationPid = "org.hwpersonality.devices")
@Designate(ocd = DeviceInventory.Config.class)
public class DeviceInventory implements DeviceService {
    /** How often the back ends are asked for their devices again. */
    @ObjectClassDefinition(name = "HWP Device inventory", description = "How the fleet is kept up to date.")
    public @interface Config {
        @AttributeDefinition(
                name = "Rescan interval (seconds)",
                description = "Back ends are asked for their devices again this often.")
        long rescanSeconds() default 30;

        @AttributeDefinition(
                name = "Bring-up characterization",
                description = "Images to characterize on this node's devices of a family when they come up, in FREE"
                        + " regions, one at a time, stored once per family as CHARACTERIZED profiles named"
                        + " bringup-FAMILY-SHA12-WORKLOAD-v1: entries FAMILY:SHA256:WORKLOAD:DRIVER separated by"
                        + " commas (the image must be stored; DRIVER is the driver name guests load). Empty: off.")
        String bringUp() default "";

        @AttributeDefinition(
                name = "Background quiet time (seconds)",
                description = "After a request of any node found no free region, no background programming"
                        + " (bring-up, pre-programming) starts on this node for this long; the request waits for one"
                        + " under way, never more than one programming.")
        long backgroundQuietSeconds() default 60;
    }

    private final DeviceRecords records;
    private final BackendRegistry backends;
    private final NodeIdentity node;
    private final Signals signals;
    private final RegionProgramming programming;
    private final Optional<Discovery> discovery;
    private final ManualReconfiguration manual;
    private final Characterization characterization;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Optional<BringUp> bringUp;
    private final IdleWork idleWork;

    @Activate
    public DeviceInventory(
            @Reference DeviceRecords records,
            @Reference ProfileRepository profiles,
            @Reference BitstreamStore bitstreams,
            @Reference BackendRegistry backends,
            @Reference NodeIdentity node,
            @Reference Signals signals,
            @Reference HwpMetrics metrics,
            Config config) {
        Settings.atLeast("rescanSeconds", Settings.check(Config.class, config).rescanSeconds(), 1);
        Settings.atLeast("backgroundQuietSeconds", config.backgroundQuietSeconds(), 0);
        List<BringUp.Plan> plans;
        try {
            plans = BringUp.Plan.parse(config.bringUp());
        } catch (org.hwpersonality.api.ValidationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        this.records = records;
        this.signals = signals;
        this.backends = backends;
        this.node = node;
        this.programming = new RegionProgramming(backends, bitstreams, metrics);
        this.manual = new ManualReconfiguration(records, profiles, programming, this::ownDevice);
        this.characterization =
                new Characterization(records, profiles, bitstreams, backends, programming, this::ownDevice);
        this.discovery = node.has(NodeRole.HOST)
                ? Optional.of(new Discovery(node.id(), records, backends, this::discovered, config.rescanSeconds()))
                : Optional.empty();
        this.idleWork = new IdleWork(
                java.time.Duration.ofSeconds(config.backgroundQuietSeconds()),
                signals,
                node.id(),
                other -> node.nodes().stream().anyMatch(n -> n.id().equals(other) && n.live(java.time.Instant.now())));
        this.bringUp = plans.isEmpty() || !node.has(NodeRole.HOST)
                ? Optional.empty()
                : Optional.of(new BringUp(
                        plans,
                        idleWork,
                        records,
                        profiles,
                        this::ours,
                        (deviceId, plan) -> characterize(
                                deviceId,
                                plan.image(),
                                plan.workload(),
                                plan.name(),
                                new OsSupport("linux", org.hwpersonality.api.KernelRange.ANY, plan.driver()))));
        node.onLeaseExpiry(this::changed);
        bringUp.ifPresent(BringUp::wake);
    }

    /**
     * A request found no free region: no background programming starts for the quiet time on any node and this waits
     * for one under way (here or on another node), at most {@code longest}; true if one ended (its region is free).
     */
    boolean yieldToRequest(java.time.Duration longest) {
        return idleWork.yieldToRequest(longest);
    }

    /** The background programmings of this node's idle regions, which yield to requests. */
    IdleWork idleWork() {
        return idleWork;
    }

    @Override
    public Optional<String> bringUp(String deviceId) {
        Device device = records.device(deviceId).orElseThrow(() -> HwpException.notFound("device", deviceId));
        return bringUp.flatMap(b -> b.progress(device)).map(BringUp.Progress::describe);
    }

    /** Runs {@code listener} after each change of the recorded fleet (discovery, OFFLINE, drain, programming). */
    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    void changed() {
        listeners.forEach(Runnable::run);
    }

    /** This node's back ends reported its devices: this node's listeners hear it, and the other nodes. */
    private void discovered() {
        changed();
        bringUp.ifPresent(BringUp::wake); // a new device: characterize what is planned for its family
        try {
            signals.publish(Signals.DEVICES_CHANGED, node.id());
        } catch (RuntimeException e) {
            // the others read the whole fleet every deviceRefreshSeconds anyway
        }
    }

    RegionProgramming programming() {
        return programming;
    }

    BackendRegistry registry() {
        return backends;
    }

    /** Whether {@code device} is this node's own: this node runs its back end. */
    boolean ours(Device device) {
        return device.node().equals(node.id()) && node.has(NodeRole.HOST);
    }

    /** One of this node's devices whose back end is present, for a job on the hardware; CONFLICT otherwise. */
    private Device ownDevice(String deviceId) {
        Device device = records.device(deviceId).orElseThrow(() -> HwpException.notFound("device", deviceId));
        if (!ours(device)) {
            throw HwpException.conflict("device " + deviceId + " belongs to node " + device.node()
                    + "; only that node programs it by hand (this is node " + node.id() + ")");
        }
        if (!backends.present(device.backend()) || device.state() == DeviceState.OFFLINE) {
            throw HwpException.conflict(
                    "device " + deviceId + " is OFFLINE: its back end '" + device.backend() + "' is not present");
        }
        return device;
    }

    @Override
    public void rescan() {
        discovery.ifPresent(Discovery::rescan);
    }

    @Override
    public Reconfiguration reconfigure(String deviceId, String regionId, String personalityId) {
        try {
            return manual.reconfigure(deviceId, regionId, personalityId);
        } finally {
            changed();
        }
    }

    @Override
    public PersonalityProfile characterize(String deviceId, Sha256 image, String workload, String name, OsSupport os) {
        try {
            return characterization.characterize(deviceId, image, workload, name, os);
        } finally {
            changed();
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
        return backends.all().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new BackendInfo(
                        e.getKey(),
                        e.getValue().bundle(),
                        e.getValue().version(),
                        (int) devices.stream()
                                .filter(d ->
                                        ours(d) && d.backend().equals(e.getKey()) && d.state() != DeviceState.OFFLINE)
                                .count(),
                        discovery.flatMap(d -> d.problem(e.getKey()))))
                .toList();
    }

    @Override
    public List<Node> nodes() {
        return node.nodes();
    }

    @Override
    public String nodeId() {
        return node.id();
    }

    @Override
    public Device drain(String deviceId) {
        records.device(deviceId).orElseThrow(() -> HwpException.notFound("device", deviceId));
        Device drained = records.setState(deviceId, DeviceState.DRAINING);
        changed();
        return drained;
    }

    @Override
    public java.util.Set<String> backendsStarting() {
        return discovery.map(Discovery::starting).orElse(java.util.Set.of());
    }

    @Override
    public Device enable(String deviceId) {
        Device d = records.device(deviceId).orElseThrow(() -> HwpException.notFound("device", deviceId));
        switch (d.state()) {
            case ONLINE:
                return d;
            case DRAINING:
                Device enabled = records.setState(deviceId, DeviceState.DRAINING, DeviceState.ONLINE);
                changed();
                return enabled;
            case OFFLINE:
                throw HwpException.conflict("device " + deviceId
                        + " is OFFLINE: its node or back end is away; it turns ONLINE by itself when they return");
            default:
                throw HwpException.conflict("device " + deviceId + " is " + d.state()
                        + ": its back end reports it unhealthy (" + d.health().message() + ")");
        }
    }

    @Deactivate
    void stop() throws Exception {
        bringUp.ifPresent(BringUp::close);
        idleWork.close();
        if (discovery.isPresent()) {
            discovery.get().close();
        }
    }
}
