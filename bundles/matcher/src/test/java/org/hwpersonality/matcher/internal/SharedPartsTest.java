package org.hwpersonality.matcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.profile.ClockSetting;
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
import org.junit.jupiter.api.Test;

class SharedPartsTest {
    /** A profile built from fresh objects every time, as a JSON reader makes them. */
    private static PersonalityProfile read(int n, double throughput) {
        return new PersonalityProfile(
                "p-" + n + "-v1",
                "p-" + n,
                1,
                new String("a description " + n),
                new Compatibility(
                        new String("xilinx"),
                        new String("alveo-u250"),
                        Set.of(new String("a7c3e1f0b25011ee8c900242ac120250"))),
                List.of(new WorkloadProfile(new String("compression"), new PerformanceFigures(throughput, 100, 40))),
                List.of(new OsSupport(new String("linux"), KernelRange.parse("[5.4,6.9)"), new String("drv"))),
                new FabricConfiguration(
                        Sha256.of(String.format("%064x", n)),
                        RegionKind.PARTIAL,
                        new Resources(1000 + n, 2000, 10, 10, 1024),
                        List.of(new ClockSetting(new String("kernel"), 300))),
                MemoryMap.EMPTY,
                List.of(),
                List.of(new Tunable(new String("kernelClockMhz"), 100, 300, 50, 300, new TunableEffect(1, -1, 1, 0))),
                Origin.IMPORTED,
                Optional.empty(),
                ProfileStatus.ACTIVE,
                Instant.EPOCH.plusSeconds(n));
    }

    @Test
    void aSharedProfileEqualsTheOneGiven() {
        PersonalityProfile given = read(1, 40);
        assertThat(new SharedParts().share(given)).isEqualTo(given);
    }

    @Test
    void equalPartsOfProfilesReadApartBecomeOneInstance() {
        SharedParts parts = new SharedParts();
        PersonalityProfile a = parts.share(read(1, 40));
        PersonalityProfile b = parts.share(read(2, 55));

        assertThat(b.compatibility()).isSameAs(a.compatibility());
        assertThat(b.osSupport()).isSameAs(a.osSupport());
        assertThat(b.tunables()).isSameAs(a.tunables());
        assertThat(b.fabric().clocks()).isSameAs(a.fabric().clocks());
        assertThat(b.workloads().get(0).workload())
                .isSameAs(a.workloads().get(0).workload());
        // what is a profile's own stays its own
        assertThat(b.workloads().get(0).performance())
                .isNotEqualTo(a.workloads().get(0).performance());
        assertThat(b.fabric().bitstream()).isNotEqualTo(a.fabric().bitstream());
    }

    @Test
    void thePoolStartsOverWhenFull() {
        SharedParts parts = new SharedParts();
        for (int i = 0; i < SharedParts.LIMIT + 10; i++) {
            PersonalityProfile p = read(i, 40);
            PersonalityProfile own = new PersonalityProfile(
                    p.personalityId(),
                    p.name(),
                    p.version(),
                    p.description(),
                    new Compatibility("vendor" + i, "family", Set.of()),
                    p.workloads(),
                    p.osSupport(),
                    p.fabric(),
                    p.memoryMap(),
                    p.peripherals(),
                    p.tunables(),
                    p.origin(),
                    p.lineage(),
                    p.status(),
                    p.createdAt());
            assertThat(parts.share(own)).isEqualTo(own);
        }
        assertThat(parts.size()).isLessThanOrEqualTo(SharedParts.LIMIT);
    }
}
