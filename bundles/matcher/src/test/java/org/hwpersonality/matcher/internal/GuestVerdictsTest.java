package org.hwpersonality.matcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.OsInfo;
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
import org.hwpersonality.api.profile.WorkloadProfile;
import org.hwpersonality.api.service.DriverCheck;
import org.junit.jupiter.api.Test;

/** The per-guest answers a catalogue entry keeps: {@link Guests} and {@link WorkloadProfiles#verdict}. */
class GuestVerdictsTest {
    private static final PersonalityProfile PROFILE = new PersonalityProfile(
            "p-v1",
            "p",
            1,
            "",
            new Compatibility("xilinx", "alveo-u250", Set.of()),
            List.of(new WorkloadProfile("compression", new PerformanceFigures(40, 100, 40))),
            List.of(
                    new OsSupport("linux", KernelRange.parse("[5.4,6.9)"), "drv"),
                    new OsSupport("windows", KernelRange.ANY, "drv-win")),
            new FabricConfiguration(
                    Sha256.of(String.format("%064x", 1)), RegionKind.FULL, new Resources(1, 1, 1, 1, 1), List.of()),
            MemoryMap.EMPTY,
            List.of(),
            List.of(),
            Origin.ADMIN,
            Optional.empty(),
            ProfileStatus.ACTIVE,
            Instant.EPOCH);

    /** Drivers for Linux only, counting the questions. */
    private static final class CountingDrivers implements DriverCheck {
        final AtomicInteger asked = new AtomicInteger();

        @Override
        public boolean hasDriver(PersonalityProfile profile, OsInfo os) {
            asked.incrementAndGet();
            return os.family().equals("linux");
        }
    }

    private final WorkloadProfiles entries = new WorkloadProfiles(new ProfileCatalog.Entry[] {
        new ProfileCatalog.Entry(PROFILE, PROFILE.workloads().get(0))
    });
    private final Guests guests = new Guests();

    @Test
    void anEqualGuestIsTheSameGuest() {
        assertThat(guests.of(OsInfo.of("linux", "5.15.0"))).isSameAs(guests.of(OsInfo.of("linux", "5.15.0")));
        assertThat(guests.of(OsInfo.of("linux", "5.15.0")).slot())
                .isNotEqualTo(guests.of(OsInfo.of("linux", "6.1.0")).slot());
    }

    @Test
    void eachGuestIsAnsweredOncePerDriverSnapshot() {
        CountingDrivers drivers = new CountingDrivers();
        Guests.Guest old = guests.of(OsInfo.of("linux", "4.18.0"));
        Guests.Guest current = guests.of(OsInfo.of("linux", "5.15.0"));
        Guests.Guest windows = guests.of(OsInfo.of("windows", null));
        for (int round = 0; round < 3; round++) {
            assertThat(entries.verdict(0, old, drivers)).isEqualTo(Verdict.UNSUPPORTED);
            assertThat(entries.verdict(0, current, drivers)).isEqualTo(Verdict.ELIGIBLE);
            assertThat(entries.verdict(0, windows, drivers)).isEqualTo(Verdict.NO_DRIVER);
        }
        assertThat(drivers.asked).hasValue(2); // the unsupported guest needs no driver question

        CountingDrivers fresher = new CountingDrivers();
        assertThat(entries.verdict(0, current, fresher)).isEqualTo(Verdict.ELIGIBLE);
        assertThat(fresher.asked).hasValue(1);
    }

    @Test
    void guestsBeyondTheSlotsAreAnsweredEveryTime() {
        List<Guests.Guest> many = new ArrayList<>();
        for (int i = 0; i < Guests.SLOTS + 5; i++) {
            many.add(guests.of(OsInfo.of("linux", "5.15." + i)));
        }
        Guests.Guest last = many.get(many.size() - 1);
        assertThat(last.slot()).isEqualTo(-1);
        CountingDrivers drivers = new CountingDrivers();
        for (Guests.Guest g : many) {
            assertThat(entries.verdict(0, g, drivers)).isEqualTo(Verdict.ELIGIBLE);
        }
        assertThat(entries.verdict(0, last, drivers)).isEqualTo(Verdict.ELIGIBLE);
        assertThat(drivers.asked).hasValue(Guests.SLOTS + 5 + 1);
    }

    @Test
    void guestSupportAnswersAsTheProfileDoesAndKeepsTheAnswer() {
        GuestSupport support = new GuestSupport(PROFILE.osSupport());
        for (String kernel : List.of("3.10.0", "5.4.0", "5.15.0", "6.8.9", "6.9.0", "7.1.0")) {
            OsInfo os = OsInfo.of("linux", kernel);
            Guests.Guest g = guests.of(os);
            assertThat(support.covers(g)).as(kernel).isEqualTo(PROFILE.supports(os));
            assertThat(support.covers(g)).as(kernel + ", kept").isEqualTo(PROFILE.supports(os));
        }
        assertThat(support.covers(guests.of(OsInfo.of("windows", null)))).isTrue();
        assertThat(support.covers(guests.of(OsInfo.of("freebsd", "14.0")))).isFalse();
    }
}
