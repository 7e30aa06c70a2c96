package org.hwpersonality.benchmarks.scale;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.KernelVersion;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.profile.Compatibility;
import org.hwpersonality.api.profile.FabricConfiguration;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.OsSupport;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.profile.WorkloadProfile;
import org.hwpersonality.repository.internal.SampleCatalogue;

/**
 * A large, varied profile catalogue, one profile per index, the same every time (each profile is made from its own
 * seed, so the fleet can name the image of profile {@code i} without the catalogue in memory). Profile {@code i} is
 * the sample {@code i mod 13} (five workloads, five device families, full and partial regions, tunables) with: its
 * workloads in one of four variants (20 workloads in all), figures scaled 0.5–2, fabric resources 70–100 % of the
 * sample's, its own image, Linux kernel ranges from 3.10–5.15 up to 6.1–6.9, a Windows driver for one in six, one of
 * the family's two shells named for three in ten, origins ADMIN, IMPORTED and CHARACTERIZED, and 2 % RETIRED.
 */
final class ScaleCatalogue {
    static final Instant CREATED = Instant.parse("2026-12-01T00:00:00Z");

    /** Shells (interface IDs): two per family. */
    static final List<String> SHELLS = List.of("a7c3e1f0b25011ee8c900242ac120251", "5d0c9a4e8f3211efb1e20242ac120002");

    private static final String[] KERNEL_MIN = {"3.10", "4.18", "4.18", "5.4", "5.10", "5.15"};
    private static final String[] KERNEL_MAX = {"6.1", "6.6", "6.9", "6.9"};
    private static final Origin[] ORIGINS = {Origin.IMPORTED, Origin.IMPORTED, Origin.ADMIN, Origin.CHARACTERIZED};

    private final List<PersonalityProfile> samples = SampleCatalogue.profiles(CREATED);

    int templates() {
        return samples.size();
    }

    PersonalityProfile template(int t) {
        return samples.get(t);
    }

    static String id(int i) {
        return "scale-" + i + "-v1";
    }

    static Sha256 image(int i) {
        try {
            return Sha256.of(
                    MessageDigest.getInstance("SHA-256").digest(("image-" + i).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    PersonalityProfile profile(int i) {
        PersonalityProfile s = samples.get(i % samples.size());
        Random random = new Random(0x5EED_0000_0000L + i);
        double scale = 0.5 + 1.5 * random.nextDouble();
        int variant = random.nextInt(4);
        List<WorkloadProfile> workloads = new ArrayList<>();
        for (WorkloadProfile w : s.workloads()) {
            PerformanceFigures f = w.performance();
            workloads.add(new WorkloadProfile(
                    w.workload() + "-" + variant,
                    new PerformanceFigures(
                            round(f.throughputGops() * scale),
                            round(f.latencyUs() / scale * (0.8 + 0.4 * random.nextDouble())),
                            round(f.powerWatts() * (0.8 + 0.4 * random.nextDouble())))));
        }
        List<OsSupport> os = new ArrayList<>();
        String driver = s.osSupport().get(0).driverName();
        KernelRange kernels = new KernelRange(
                Optional.of(KernelVersion.of(KERNEL_MIN[random.nextInt(KERNEL_MIN.length)])),
                Optional.of(KernelVersion.of(KERNEL_MAX[random.nextInt(KERNEL_MAX.length)])));
        os.add(new OsSupport("linux", kernels, driver));
        if (random.nextInt(6) == 0) {
            os.add(new OsSupport("windows", KernelRange.ANY, driver + "-win"));
        }
        Resources r = s.fabric().resources();
        double fill = 0.7 + 0.3 * random.nextDouble();
        Resources need = new Resources(
                (long) (r.luts() * fill),
                (long) (r.registers() * fill),
                (long) (r.bramBlocks() * fill),
                (long) (r.dsps() * fill),
                r.memoryMb());
        Set<String> shells = random.nextInt(10) < 3 ? Set.of(SHELLS.get(random.nextInt(SHELLS.size()))) : Set.of();
        Origin origin = ORIGINS[random.nextInt(ORIGINS.length)];
        ProfileStatus status = random.nextInt(50) == 0 ? ProfileStatus.RETIRED : ProfileStatus.ACTIVE;
        return new PersonalityProfile(
                id(i),
                "scale-" + i,
                1,
                s.description() + " (catalogue entry " + i + ")",
                new Compatibility(s.compatibility().vendor(), s.compatibility().family(), shells),
                workloads,
                os,
                new FabricConfiguration(
                        image(i), s.fabric().regionKind(), need, s.fabric().clocks()),
                s.memoryMap(),
                s.peripherals(),
                s.tunables(),
                origin,
                Optional.empty(),
                status,
                CREATED.plusSeconds(i));
    }

    /** The sample indices of a family and region kind. */
    List<Integer> templatesOf(String family, RegionKind kind) {
        List<Integer> out = new ArrayList<>();
        for (int t = 0; t < samples.size(); t++) {
            PersonalityProfile s = samples.get(t);
            if (s.compatibility().family().equals(family) && s.fabric().regionKind() == kind) {
                out.add(t);
            }
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
