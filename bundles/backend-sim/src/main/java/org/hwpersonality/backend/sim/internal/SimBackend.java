package org.hwpersonality.backend.sim.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hwpersonality.api.PerformanceFigures;
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
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** The simulated vendor: every configured fleet's cards, behind the back-end SPI. */
@Component(service = ReconfigurationBackend.class)
@ReconfigurationBackend.Vendor(SimBackend.VENDOR)
public class SimBackend implements ReconfigurationBackend {
    static final String VENDOR = "sim";

    private final List<SimFleet> fleets = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindFleet(SimFleet fleet) {
        fleets.add(fleet);
    }

    void unbindFleet(SimFleet fleet) {
        fleets.remove(fleet);
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
        return fleets.stream()
                .flatMap(f -> f.devices().stream())
                .filter(d -> d.id().equals(deviceId))
                .findFirst()
                .orElseThrow(() -> new BackendException(Kind.UNKNOWN_DEVICE, "no simulated device '" + deviceId + "'"));
    }

    @Override
    public List<DeviceDescriptor> discover() {
        return fleets.stream()
                .flatMap(f -> f.devices().stream())
                .map(SimulatedDevice::descriptor)
                .toList();
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

    @Override
    public ProgrammingResult program(ProgrammingRequest request) {
        return device(request.deviceId()).program(request);
    }

    @Override
    public void clear(String deviceId, String regionId) {
        device(deviceId).clear(regionId);
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
