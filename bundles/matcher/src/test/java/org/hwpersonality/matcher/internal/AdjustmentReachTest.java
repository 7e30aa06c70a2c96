package org.hwpersonality.matcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.profile.Compatibility;
import org.hwpersonality.api.profile.FabricConfiguration;
import org.hwpersonality.api.profile.MemoryMap;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.OsSupport;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.profile.Tunable;
import org.hwpersonality.api.profile.TunableEffect;
import org.hwpersonality.api.profile.WorkloadProfile;
import org.hwpersonality.api.request.Requirements;
import org.junit.jupiter.api.Test;

/**
 * The matcher skips the search of a profile's tunables when {@link Adjustment#reach} says no variant can meet the
 * limits; that is only right if the search itself would find none. Checked on random profiles (one to three tunables,
 * random grids and exponents) against random requirements, with the search run every time.
 */
class AdjustmentReachTest {
    @Test
    void whenTheReachMissesTheLimitsTheSearchFindsNoVariantAndEveryVariantFoundIsWithinReach() {
        Random random = new Random(18);
        int skipped = 0;
        int found = 0;
        for (int i = 0; i < 5_000; i++) {
            PerformanceFigures nominal =
                    new PerformanceFigures(1 + random.nextInt(200), 1 + random.nextInt(500), 1 + random.nextInt(200));
            PersonalityProfile p = profile(i, nominal, tunables(random));
            Requirements r = new Requirements(
                    maybe(random, nominal.throughputGops() * (0.5 + 2 * random.nextDouble())),
                    maybe(random, nominal.latencyUs() * (0.2 + 1.5 * random.nextDouble())),
                    maybe(random, nominal.powerWatts() * (0.3 + 1.5 * random.nextDouble())),
                    Optional.empty());
            Limits limits = Limits.of(r);
            long memory = p.fabric().resources().memoryMb();
            Adjustment.Reach reach = Adjustment.reach(p, nominal);
            Optional<Adjustment.Variant> variant = Adjustment.cheapest(p, nominal, r, need -> true);
            if (!reach.mayMeet(limits, memory)) {
                skipped++;
                assertThat(variant)
                        .as("profile %d, %s: the reach %s misses them", i, r, reach)
                        .isEmpty();
            }
            if (variant.isPresent()) {
                found++;
                PerformanceFigures f = variant.get().figures();
                assertThat(f.throughputGops()).isLessThanOrEqualTo(reach.throughput());
                assertThat(f.latencyUs()).isGreaterThanOrEqualTo(reach.latency());
                assertThat(f.powerWatts()).isGreaterThanOrEqualTo(reach.power());
            }
        }
        assertThat(skipped).as("requests the reach alone refuses").isGreaterThan(500);
        assertThat(found).as("requests a variant meets").isGreaterThan(500);
    }

    @Test
    void aProfileWithoutTunablesReachesNothing() {
        PerformanceFigures nominal = new PerformanceFigures(10, 10, 10);
        Adjustment.Reach reach = Adjustment.reach(profile(0, nominal, List.of()), nominal);
        assertThat(reach).isEqualTo(Adjustment.Reach.NONE);
        assertThat(reach.mayMeet(Limits.of(Requirements.NONE), 0)).isFalse();
    }

    private static List<Tunable> tunables(Random random) {
        List<Tunable> out = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int t = 0; t < n; t++) {
            double min = 50 + random.nextInt(100);
            double step = 5 + random.nextInt(20);
            double max = min + step * (1 + random.nextInt(12));
            double nominal = min + step * random.nextInt((int) Math.round((max - min) / step) + 1);
            out.add(new Tunable(
                    "t" + t,
                    min,
                    max,
                    step,
                    nominal,
                    new TunableEffect(
                            random.nextDouble() * 1.5,
                            -random.nextDouble() * 1.5,
                            random.nextDouble() * 2,
                            random.nextDouble())));
        }
        return out;
    }

    private static PersonalityProfile profile(int i, PerformanceFigures f, List<Tunable> tunables) {
        return new PersonalityProfile(
                "reach-" + i,
                "reach-" + i,
                1,
                "",
                new Compatibility("xilinx", "alveo-u250", Set.of()),
                List.of(new WorkloadProfile("compression", f)),
                List.of(new OsSupport("linux", KernelRange.parse("[5.4,6.9)"), "drv")),
                new FabricConfiguration(
                        Sha256.of(String.format("%064x", i)),
                        RegionKind.PARTIAL,
                        new Resources(100_000, 200_000, 100, 100, 1_024),
                        tunables.stream()
                                .map(t -> new org.hwpersonality.api.profile.ClockSetting(t.name(), t.nominal()))
                                .toList()),
                MemoryMap.EMPTY,
                List.of(),
                tunables,
                Origin.ADMIN,
                Optional.empty(),
                ProfileStatus.ACTIVE,
                Instant.EPOCH);
    }

    private static Optional<Double> maybe(Random random, double value) {
        return random.nextBoolean() ? Optional.of(value) : Optional.empty();
    }
}
