package org.hwpersonality.api.backend;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.PerformanceFigures;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * A vendor back end: discovers the vendor's devices, reads its image format, validates an image against a
 * device's shell, programs and clears regions, and measures what a loaded personality delivers. Registered
 * as an OSGi service with the property {@value #VENDOR_PROPERTY}; install or remove the bundle at runtime.
 * Every method may block on the vendor's tools and throws {@link BackendException} on failure.
 */
@ConsumerType
public interface ReconfigurationBackend {
    /** The service property naming the vendor, e.g. {@code xilinx}. */
    String VENDOR_PROPERTY = "hwp.vendor";

    /** Component property type for back ends: {@code @ReconfigurationBackend.Vendor("xilinx")} sets {@code hwp.vendor}. */
    @ComponentPropertyType
    @Retention(RetentionPolicy.CLASS)
    @Target(ElementType.TYPE)
    @interface Vendor {
        String PREFIX_ = "hwp.";

        String value();
    }

    /** The vendor this back end serves; equals the service property. */
    String vendor();

    /** The devices present now, with their regions and health. */
    List<DeviceDescriptor> discover();

    /** One device's current regions (what each holds) and health. */
    DeviceDescriptor status(String deviceId);

    /** Reads an image's header: format, interface ID it was built for, image UUID. CORRUPT_IMAGE if unreadable. */
    ImageDescriptor inspect(Path image);

    /** Checks that the image fits the device's shell; INCOMPATIBLE names both interface IDs. */
    void validate(ImageDescriptor image, String deviceId);

    /** Programs a region; on failure the region holds what it held before, or the failure says it is unknown. */
    ProgrammingResult program(ProgrammingRequest request);

    /** Clears a region. */
    void clear(String deviceId, String regionId);

    /** What the workload sees on the region's loaded image now, if the back end can measure it. */
    Optional<PerformanceFigures> measure(String deviceId, String regionId, String workload);

    /** What the card's sensors read now (power, temperatures), if the back end can read them. */
    default Optional<CardReadings> readings(String deviceId) {
        return Optional.empty();
    }

    /**
     * Refuses (INCOMPATIBLE, naming the tunable, the value and what the card can take) a profile of this back end's
     * vendor whose clocks, or whose clock tunables at any of their values, this back end cannot apply. The
     * repository asks every back end of the profile's vendor before storing it, so adjustment only ever derives
     * along values the hardware takes. The default accepts every value (the back end sets clocks freely).
     */
    /**
     * While the back end is still finding its devices at start, what it waits for (the simulator: fleets configured
     * but not bound yet); empty once it has them all. Discovery asks again each second meanwhile and {@code /health}
     * is not UP; a back end still starting after a minute is DEGRADED with this reason.
     */
    default Optional<String> starting() {
        return Optional.empty();
    }

    default void checkTunables(org.hwpersonality.api.profile.PersonalityProfile profile) {}
}
