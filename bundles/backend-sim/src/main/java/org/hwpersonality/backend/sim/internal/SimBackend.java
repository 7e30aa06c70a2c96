package org.hwpersonality.backend.sim.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Settings;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.api.artifact.SimImage;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.BackendException.Kind;
import org.hwpersonality.api.backend.DeviceDescriptor;
import org.hwpersonality.api.backend.ImageDescriptor;
import org.hwpersonality.api.backend.ProgrammingRequest;
import org.hwpersonality.api.backend.ProgrammingResult;
import org.hwpersonality.api.backend.ReconfigurationBackend;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The simulated vendor: every configured fleet's cards, behind the back-end SPI; with guest telemetry on, it keeps
 * the files of what the guests of the loaded regions measure ({@link GuestTelemetry}).
 */
@Component(service = ReconfigurationBackend.class, configurationPid = SimBackend.PID)
@Designate(ocd = SimBackend.Config.class)
@ReconfigurationBackend.Vendor(SimBackend.VENDOR)
public class SimBackend implements ReconfigurationBackend {
    static final String VENDOR = "sim";
    static final String PID = "org.hwpersonality.backend.sim";

    /** Settings of the simulated vendor as a whole (its cards are configured per fleet). */
    @ObjectClassDefinition(
            name = "HWP Simulated FPGA back end",
            description = "The simulated vendor; its cards come from the fleet configurations.")
    public @interface Config {
        @AttributeDefinition(
                description = "Folder of the guest telemetry: DEVICE/REGION.prom per loaded region, in Prometheus"
                        + " text, what a guest there measures (refreshed every second), for a VM agent's"
                        + " --metrics-command; empty: off")
        String guestTelemetryDir() default "${karaf.data}/hwp/sim-guest";
    }

    private final List<SimFleet> fleets = new CopyOnWriteArrayList<>();

    private volatile Optional<GuestTelemetry> guest = Optional.empty();

    /** A back end without guest telemetry until {@link #activate} configures it. */
    public SimBackend() {}

    @Activate
    void activate(Config config) {
        GuestTelemetry.directory(Settings.check(Config.class, config).guestTelemetryDir())
                .ifPresent(dir -> {
                    GuestTelemetry telemetry = new GuestTelemetry(dir);
                    telemetry.refreshEvery(GuestTelemetry.REFRESH, this::devices);
                    guest = Optional.of(telemetry);
                });
    }

    /** Stops the refresh and deletes the files: the simulated cards go with the back end. */
    @Deactivate
    void deactivate() {
        guest.ifPresent(g -> {
            g.close();
            devices().forEach(g::delete);
        });
        guest = Optional.empty();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindFleet(SimFleet fleet) {
        fleets.add(fleet);
    }

    void unbindFleet(SimFleet fleet) {
        fleets.remove(fleet);
        guest.ifPresent(g -> fleet.devices().forEach(g::delete));
    }

    private List<SimulatedDevice> devices() {
        return fleets.stream().flatMap(f -> f.devices().stream()).toList();
    }

    /** The configurations of fleets (etc/org.hwpersonality.backend.sim.fleet-NAME.cfg), to know how many to wait for. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationAdmin configurations;

    /** Starting while fewer fleets are bound than configured (SCR binds them one by one after this back end). */
    @Override
    public Optional<String> starting() {
        ConfigurationAdmin admin = configurations;
        if (admin == null) {
            return Optional.empty();
        }
        try {
            Configuration[] configured = admin.listConfigurations("(service.factoryPid=" + SimFleet.FACTORY_PID + ")");
            int expected = configured == null ? 0 : configured.length;
            return fleets.size() >= expected
                    ? Optional.empty()
                    : Optional.of(fleets.size() + " of " + expected + " configured fleets are up");
        } catch (java.io.IOException | org.osgi.framework.InvalidSyntaxException e) {
            return Optional.empty();
        }
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    private SimulatedDevice device(String deviceId) {
        return devices().stream()
                .filter(d -> d.id().equals(deviceId))
                .findFirst()
                .orElseThrow(() -> new BackendException(Kind.UNKNOWN_DEVICE, "no simulated device '" + deviceId + "'"));
    }

    @Override
    public List<DeviceDescriptor> discover() {
        return devices().stream().map(SimulatedDevice::descriptor).toList();
    }

    @Override
    public DeviceDescriptor status(String deviceId) {
        return device(deviceId).descriptor();
    }

    @Override
    public ImageDescriptor inspect(Path image) {
        SimImage read = SimulatedDevice.read(image);
        try {
            return new ImageDescriptor(
                    ImageFormat.SIM,
                    read.interfaceId(),
                    Optional.empty(),
                    java.nio.file.Files.size(image),
                    read.clocksMhz());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void validate(ImageDescriptor image, String deviceId) {
        DeviceDescriptor device = device(deviceId).descriptor();
        if (image.format() != ImageFormat.SIM) {
            throw new BackendException(Kind.INCOMPATIBLE, "simulated devices take SIM images, not " + image.format());
        }
        image.interfaceId().filter(i -> !i.equals(device.interfaceId())).ifPresent(i -> {
            throw new BackendException(
                    Kind.INCOMPATIBLE,
                    "image is built for interface " + i + ", device " + deviceId + " has interface "
                            + device.interfaceId());
        });
    }

    /** Programs a region; the guest telemetry then shows it as it is: programmed, unchanged, or empty after a hang. */
    @Override
    public ProgrammingResult program(ProgrammingRequest request) {
        SimulatedDevice device = device(request.deviceId());
        try {
            return device.program(request);
        } finally {
            guest.ifPresent(g -> g.update(device));
        }
    }

    @Override
    public void clear(String deviceId, String regionId) {
        SimulatedDevice device = device(deviceId);
        try {
            device.clear(regionId);
        } finally {
            guest.ifPresent(g -> g.update(device));
        }
    }

    /** The images whose data may still be in a region's card memory (run there since its last clear). */
    public java.util.Set<org.hwpersonality.api.Sha256> residue(String deviceId, String regionId) {
        return device(deviceId).residue(regionId);
    }

    @Override
    public Optional<PerformanceFigures> measure(String deviceId, String regionId, String workload) {
        return device(deviceId).measure(regionId, workload);
    }
}
