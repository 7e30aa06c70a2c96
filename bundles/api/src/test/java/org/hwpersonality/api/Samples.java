package org.hwpersonality.api;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.profile.ClockSetting;
import org.hwpersonality.api.profile.Compatibility;
import org.hwpersonality.api.profile.FabricConfiguration;
import org.hwpersonality.api.profile.MemoryMap;
import org.hwpersonality.api.profile.MemorySegment;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.OsSupport;
import org.hwpersonality.api.profile.PeripheralSetting;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.profile.Tunable;
import org.hwpersonality.api.profile.TunableEffect;
import org.hwpersonality.api.profile.WorkloadProfile;

/** Valid values to start from; each test changes one thing. */
public final class Samples {
    public static final String INTERFACE_ID = "8c2e0b3a9d4f4e1b8a6c5d7e9f0a1b2c";
    public static final Sha256 IMAGE = Sha256.of("a".repeat(64));
    public static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private Samples() {}

    /** A copy of {@code record} with one component replaced, built through its canonical constructor (so validated). */
    public static <R extends Record> R with(R record, String component, Object value) {
        RecordComponent[] components = record.getClass().getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        boolean found = false;
        try {
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                boolean replaced = components[i].getName().equals(component);
                found |= replaced;
                args[i] = replaced ? value : components[i].getAccessor().invoke(record);
            }
            if (!found) {
                throw new IllegalArgumentException(
                        record.getClass().getSimpleName() + " has no component " + component);
            }
            @SuppressWarnings("unchecked")
            Constructor<R> constructor = (Constructor<R>) record.getClass().getDeclaredConstructor(types);
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Resources resources() {
        return new Resources(400_000, 800_000, 600, 2_000, 4_096);
    }

    public static FabricConfiguration fabric() {
        return new FabricConfiguration(
                IMAGE, RegionKind.PARTIAL, resources(), List.of(new ClockSetting("kernel", 300)));
    }

    public static Tunable clock() {
        return new Tunable("kernelClockMhz", 100, 400, 25, 300, new TunableEffect(1, -1, 1, 0));
    }

    public static PersonalityProfile profile() {
        return new PersonalityProfile(
                "resnet50-int8-u250-v1",
                "resnet50-int8-u250",
                1,
                "ResNet-50 INT8 inference on Alveo U250",
                new Compatibility("xilinx", "alveo-u250", Set.of(INTERFACE_ID)),
                List.of(new WorkloadProfile("ml-inference", new PerformanceFigures(120, 40, 70))),
                List.of(new OsSupport("linux", KernelRange.parse("[5.4,6.9)"), "xrt-resnet50")),
                fabric(),
                new MemoryMap(List.of(new MemorySegment("ddr0", MemorySegment.MemoryKind.DDR, 0, 1L << 30))),
                List.of(new PeripheralSetting("qsfp0", Map.of("speed", "100G"))),
                List.of(clock()),
                Origin.ADMIN,
                Optional.empty(),
                ProfileStatus.ACTIVE,
                T0);
    }
}
