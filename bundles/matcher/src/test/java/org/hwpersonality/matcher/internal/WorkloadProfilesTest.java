package org.hwpersonality.matcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.WorkloadProfile;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.matcher.internal.ProfileCatalog.Entry;
import org.junit.jupiter.api.Test;

/** The flat arrays of {@link WorkloadProfiles} answer as the entries they were copied from. */
class WorkloadProfilesTest {
    private static final List<String> FAMILIES = List.of("alveo-u250", "alveo-u55c");
    private static final Resources[] CAPACITIES = {
        new Resources(1_300_000, 2_600_000, 2_000, 11_500, 65_536),
        new Resources(400_000, 800_000, 600, 2_000, 8_192),
        new Resources(0, 0, 0, 0, 0)
    };

    @Test
    void lowerBoundIsTheFirstIndexAtTheFloorForEverySizeAroundTheStride() {
        Random random = new Random(7);
        int checked = 0;
        for (int n = 0; n <= 3 * WorkloadProfiles.STRIDE + 2; n++) {
            // few distinct values, so runs of equal throughputs cross the sampled positions
            WorkloadProfiles profiles = of(random, n, 1 + random.nextInt(12));
            double[] floors = floors(profiles, random);
            for (double floor : floors) {
                assertThat(profiles.lowerBound(floor))
                        .as("n %d, floor %s", n, floor)
                        .isEqualTo(linear(profiles, floor));
                checked++;
            }
        }
        for (int round = 0; round < 20; round++) {
            WorkloadProfiles profiles = of(random, 1_000 + random.nextInt(5_000), 1 + random.nextInt(10_000));
            for (double floor : floors(profiles, random)) {
                assertThat(profiles.lowerBound(floor)).isEqualTo(linear(profiles, floor));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(1_000);
    }

    @Test
    void theArraysHoldEachEntrysFiguresResourcesAndPlacement() {
        Random random = new Random(11);
        WorkloadProfiles profiles = of(random, 500, 40);
        List<Limits> limits = new ArrayList<>();
        for (int k = 0; k < 50; k++) {
            limits.add(Limits.of(new Requirements(
                    random.nextBoolean() ? Optional.of(random.nextDouble() * 40) : Optional.empty(),
                    random.nextBoolean() ? Optional.of(1 + random.nextDouble() * 200) : Optional.empty(),
                    random.nextBoolean() ? Optional.of(1 + random.nextDouble() * 100) : Optional.empty(),
                    random.nextBoolean() ? Optional.of((long) random.nextInt(70_000)) : Optional.empty())));
        }
        for (int i = 0; i < profiles.size(); i++) {
            Entry e = profiles.get(i);
            assertThat(profiles.throughput(i)).isEqualTo(e.figures.throughputGops());
            assertThat(profiles.latency(i)).isEqualTo(e.figures.latencyUs());
            assertThat(profiles.power(i)).isEqualTo(e.figures.powerWatts());
            assertThat(profiles.compatibility(i)).isSameAs(e.profile.compatibility());
            assertThat(profiles.kind(i)).isEqualTo(e.profile.fabric().regionKind());
            assertThat(profiles.imageHash(i))
                    .isEqualTo(e.profile.fabric().bitstream().hashCode());
            for (Resources capacity : CAPACITIES) {
                assertThat(profiles.fitsIn(i, capacity)).isEqualTo(e.need.fitsIn(capacity));
                assertThat(profiles.utilizationOf(i, capacity)).isEqualTo(e.need.utilizationOf(capacity));
            }
            for (Limits l : limits) {
                assertThat(profiles.meets(i, l)).isEqualTo(l.met(e.figures, e.need.memoryMb()));
            }
        }
    }

    /** {@code n} entries in catalogue order, throughputs drawn from {@code distinct} values. */
    private static WorkloadProfiles of(Random random, int n, int distinct) {
        Entry[] entries = new Entry[n];
        for (int i = 0; i < n; i++) {
            PersonalityProfile p = profile(i, random);
            double throughput = 1 + random.nextInt(distinct) * 0.5;
            entries[i] = new Entry(
                    p,
                    new WorkloadProfile(
                            "compression",
                            new PerformanceFigures(throughput, 1 + random.nextInt(200), 1 + random.nextInt(100))));
        }
        Arrays.sort(entries, ProfileCatalog.ORDER);
        return new WorkloadProfiles(entries);
    }

    private static PersonalityProfile profile(int i, Random random) {
        return DefaultMatcherTest.profile(
                "p" + i + "-v1",
                FAMILIES.get(random.nextInt(FAMILIES.size())),
                random.nextBoolean() ? RegionKind.FULL : RegionKind.PARTIAL,
                new Resources(
                        random.nextInt(1_400_000),
                        random.nextInt(2_700_000),
                        random.nextInt(2_100),
                        random.nextInt(12_000),
                        random.nextInt(70_000)),
                new PerformanceFigures(1, 1, 1),
                List.of());
    }

    /** Every throughput present, a value between each two, and the ends. */
    private static double[] floors(WorkloadProfiles profiles, Random random) {
        List<Double> floors = new ArrayList<>(List.of(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0.0));
        for (int i = 0; i < profiles.size(); i++) {
            floors.add(profiles.throughput(i));
            floors.add(profiles.throughput(i) + 0.25 * random.nextDouble());
        }
        return floors.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static int linear(WorkloadProfiles profiles, double floor) {
        int i = 0;
        while (i < profiles.size() && profiles.throughput(i) < floor) {
            i++;
        }
        return i;
    }
}
