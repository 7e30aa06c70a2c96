package org.hwpersonality.matcher.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.allocation.MatchCandidate;
import org.hwpersonality.api.allocation.MatchOutcome;
import org.hwpersonality.api.allocation.MatchResult;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceHealth;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.device.RegionRef;
import org.hwpersonality.api.device.RegionState;
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
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.service.DriverCheck;
import org.hwpersonality.api.service.MatchIndex;
import org.hwpersonality.api.service.MatchOptions;
import org.junit.jupiter.api.Test;

class DefaultMatcherTest {
    private static final String SHELL = "a7c3e1f0b25011ee8c900242ac120250";
    private static final Resources BIG = new Resources(1_300_000, 2_600_000, 2_000, 11_500, 65_536);
    private static final Resources SMALL = new Resources(400_000, 800_000, 600, 2_000, 8_192);
    private static final TunableEffect CLOCK = new TunableEffect(1, -1, 1, 0);

    private final DefaultMatcher matcher = new DefaultMatcher();

    /** A fresh index holding these profiles and devices; drivers exist for all profiles but {@code withoutDriver}. */
    private MatchResult match(
            PersonalityRequest request,
            List<PersonalityProfile> profiles,
            List<Device> devices,
            Set<String> withoutDriver) {
        MatchIndex index = matcher.newIndex();
        index.putProfiles(profiles);
        index.putDevices(devices);
        return index.match(request, MatchOptions.of((p, os) -> !withoutDriver.contains(p.personalityId())));
    }

    static PersonalityProfile profile(
            String id, String family, RegionKind kind, Resources need, PerformanceFigures f, List<Tunable> tunables) {
        return new PersonalityProfile(
                id,
                id.replace("-v1", ""),
                1,
                "",
                new Compatibility("xilinx", family, Set.of()),
                List.of(new WorkloadProfile("compression", f)),
                List.of(new OsSupport("linux", KernelRange.parse("[5.4,6.9)"), "drv")),
                new FabricConfiguration(
                        Sha256.of(String.format("%064x", id.hashCode() & 0xffffffffL)),
                        kind,
                        need,
                        List.of(new org.hwpersonality.api.profile.ClockSetting("kernel", 300))),
                MemoryMap.EMPTY,
                List.of(),
                tunables,
                Origin.ADMIN,
                Optional.empty(),
                ProfileStatus.ACTIVE,
                Instant.EPOCH);
    }

    static PersonalityProfile zstd() {
        return profile(
                "zstd-v1",
                "alveo-u250",
                RegionKind.PARTIAL,
                new Resources(180_000, 300_000, 320, 120, 2_048),
                new PerformanceFigures(42, 150, 45),
                List.of(new Tunable("kernelClockMhz", 150, 350, 25, 300, CLOCK)));
    }

    private static Device device(String id, String family, DeviceState state, Region... regions) {
        return new Device(
                id, "xilinx", "card", family, SHELL, "sim", state, DeviceHealth.OK, List.of(regions), "node-1", id);
    }

    /** Online U250s pr-0, pr-1, … with two small free partial regions each. */
    private static List<Device> twoRegionCards(int n) {
        List<Device> cards = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            cards.add(device(
                    "pr-" + i,
                    "alveo-u250",
                    DeviceState.ONLINE,
                    free("0", RegionKind.PARTIAL, SMALL),
                    free("1", RegionKind.PARTIAL, SMALL)));
        }
        return cards;
    }

    static Region free(String id, RegionKind kind, Resources capacity) {
        return Region.free(id, kind, capacity);
    }

    static PersonalityRequest request(Requirements r) {
        return new PersonalityRequest("vm-1", OsInfo.of("linux", "5.15.0"), "compression", r);
    }

    static Requirements needs(Double throughput, Double latency, Double power) {
        return new Requirements(
                Optional.ofNullable(throughput),
                Optional.ofNullable(latency),
                Optional.ofNullable(power),
                Optional.empty());
    }

    private MatchResult match(Requirements r, List<PersonalityProfile> profiles, List<Device> devices) {
        return match(request(r), profiles, devices, Set.of());
    }

    @Test
    void aStoredProfileOnAFreeCompatibleRegionIsAnExactMatch() {
        MatchResult result = match(
                needs(40.0, 200.0, null),
                List.of(zstd()),
                List.of(device("pr-0", "alveo-u250", DeviceState.ONLINE, free("0", RegionKind.PARTIAL, SMALL))));
        assertThat(result.outcome()).isEqualTo(MatchOutcome.EXACT);
        MatchCandidate best = result.candidates().get(0);
        assertThat(best.personalityId()).isEqualTo("zstd-v1");
        assertThat(best.deviceId()).isEqualTo("pr-0");
        assertThat(best.exact()).isTrue();
        assertThat(best.score()).isBetween(0.0, 1.0);
        assertThat(best.reasons()).anyMatch(r -> r.contains("region must be programmed"));
    }

    /**
     * The management service asks for the best candidate only: over random catalogues, fleets and requests, it is
     * the first of the default eight, with the same score and reasons; a found match carries no refusals; a count
     * outside 1 to 64 is refused naming the field.
     */
    @Test
    void theBestCandidateAloneIsTheFirstOfEightAndAFoundMatchCarriesNoRefusals() {
        java.util.Random random = new java.util.Random(7);
        int found = 0;
        for (int round = 0; round < 200; round++) {
            List<PersonalityProfile> profiles = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                profiles.add(profile(
                        "p" + i + "-v1",
                        random.nextBoolean() ? "alveo-u250" : "alveo-u55c",
                        random.nextInt(4) == 0 ? RegionKind.FULL : RegionKind.PARTIAL,
                        new Resources(
                                100_000 + random.nextInt(300_000), 300_000, 320, 120, 512 + random.nextInt(8_000)),
                        new PerformanceFigures(
                                10 + random.nextInt(90), 20 + random.nextInt(200), 20 + random.nextInt(60)),
                        List.of()));
            }
            List<Device> devices = new ArrayList<>();
            for (int d = 0; d < 12; d++) {
                // A card with one FULL region, or one to three PARTIAL regions (some holding an image).
                boolean full = random.nextInt(4) == 0;
                List<Region> regions = new ArrayList<>();
                for (int r = 0; r < (full ? 1 : 1 + random.nextInt(3)); r++) {
                    RegionKind kind = full ? RegionKind.FULL : RegionKind.PARTIAL;
                    Resources capacity = random.nextBoolean() ? BIG : SMALL;
                    PersonalityProfile loaded = profiles.get(random.nextInt(30));
                    regions.add(
                            random.nextInt(3) == 0
                                    ? new Region(
                                            String.valueOf(r),
                                            kind,
                                            capacity,
                                            RegionState.FREE,
                                            Optional.of(loaded.personalityId()),
                                            Optional.of(loaded.fabric().bitstream()))
                                    : free(String.valueOf(r), kind, capacity));
                }
                devices.add(device(
                        "d" + d,
                        random.nextBoolean() ? "alveo-u250" : "alveo-u55c",
                        DeviceState.ONLINE,
                        regions.toArray(Region[]::new)));
            }
            MatchIndex index = matcher.newIndex();
            index.putProfiles(profiles);
            index.putDevices(devices);
            PersonalityRequest request = request(needs(
                    random.nextBoolean() ? 10.0 + random.nextInt(80) : null,
                    random.nextBoolean() ? 50.0 + random.nextInt(200) : null,
                    null));
            MatchOptions eight = MatchOptions.of((p, os) -> true);
            MatchResult all = index.match(request, eight);
            MatchResult one = index.match(request, eight.candidates(1));
            assertThat(one.outcome()).isEqualTo(all.outcome());
            if (all.candidates().isEmpty()) {
                assertThat(one.refusals()).isEqualTo(all.refusals()).isNotEmpty();
                continue;
            }
            found++;
            assertThat(all.candidates()).hasSizeLessThanOrEqualTo(MatchOptions.DEFAULT_CANDIDATES);
            assertThat(one.candidates()).containsExactly(all.candidates().get(0));
            assertThat(one.refusals()).isEmpty();
            assertThat(all.refusals()).isEmpty();
        }
        assertThat(found).as("rounds that found a region").isGreaterThan(50);
        for (int bad : new int[] {0, 65}) {
            assertThatThrownBy(() -> MatchOptions.of((p, os) -> true).candidates(bad))
                    .isInstanceOfSatisfying(
                            org.hwpersonality.api.ValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("candidates"));
        }
    }

    @Test
    void driverAnswersAreKeptPerSnapshotAndAskedAgainOfANewOne() {
        MatchIndex index = matcher.newIndex();
        index.putProfiles(List.of(zstd()));
        index.putDevices(
                List.of(device("pr-0", "alveo-u250", DeviceState.ONLINE, free("0", RegionKind.PARTIAL, SMALL))));
        List<String> asked = new ArrayList<>();
        DriverCheck none = (p, os) -> asked.add(p.personalityId()) && false;
        PersonalityRequest request = request(needs(40.0, null, null));

        assertThat(index.match(request, MatchOptions.of(none)).outcome()).isEqualTo(MatchOutcome.NO_MATCHING_PROFILE);
        MatchResult again = index.match(request(needs(40.0, null, null)), MatchOptions.of(none));
        assertThat(again.refusals()).anyMatch(r -> r.contains("zstd-v1: no driver package for linux"));
        assertThat(asked).as("one snapshot is asked once per profile and guest").containsExactly("zstd-v1");

        DriverCheck published = (p, os) -> asked.add(p.personalityId());
        assertThat(index.match(request, MatchOptions.of(published)).outcome()).isEqualTo(MatchOutcome.EXACT);
        assertThat(asked).hasSize(2);
        MatchResult windows = index.match(
                new PersonalityRequest("vm-1", OsInfo.of("windows", null), "compression", Requirements.NONE),
                MatchOptions.of(published));
        assertThat(windows.refusals()).containsExactly("zstd-v1: no support for windows");
        assertThat(asked)
                .as("no driver is asked for a guest the profile does not support")
                .hasSize(2);
    }

    @Test
    void everyHardConstraintRefusesWithAReason() {
        List<PersonalityProfile> one = List.of(zstd());
        Region region = free("0", RegionKind.PARTIAL, SMALL);
        // Workload nobody serves.
        MatchResult none = match(
                new PersonalityRequest("vm-1", OsInfo.of("linux", null), "ml-inference", null),
                one,
                List.of(device("pr-0", "alveo-u250", DeviceState.ONLINE, region)),
                Set.of());
        assertThat(none.outcome()).isEqualTo(MatchOutcome.NO_MATCHING_PROFILE);
        assertThat(none.refusals()).containsExactly("no active profile serves workload ml-inference");
        // Guest OS and driver.
        MatchResult windows = match(
                new PersonalityRequest("vm-1", OsInfo.of("windows", null), "compression", null),
                one,
                List.of(),
                Set.of());
        assertThat(windows.refusals()).containsExactly("zstd-v1: no support for windows");
        MatchResult oldKernel = match(
                new PersonalityRequest("vm-1", OsInfo.of("linux", "4.4"), "compression", null),
                one,
                List.of(),
                Set.of());
        assertThat(oldKernel.refusals()).containsExactly("zstd-v1: no support for linux 4.4");
        MatchResult noDriver = match(request(null), one, List.of(), Set.of("zstd-v1"));
        assertThat(noDriver.refusals()).containsExactly("zstd-v1: no driver package for linux");
        // Devices: family, state, region state, kind, size.
        for (Device d : List.of(
                device("u55c", "alveo-u55c", DeviceState.ONLINE, region),
                device("drained", "alveo-u250", DeviceState.DRAINING, region),
                device(
                        "busy",
                        "alveo-u250",
                        DeviceState.ONLINE,
                        new Region(
                                "0",
                                RegionKind.PARTIAL,
                                SMALL,
                                RegionState.ACTIVE,
                                Optional.empty(),
                                Optional.empty())),
                device("full", "alveo-u250", DeviceState.ONLINE, free("0", RegionKind.FULL, BIG)),
                device(
                        "tiny",
                        "alveo-u250",
                        DeviceState.ONLINE,
                        free("0", RegionKind.PARTIAL, new Resources(1000, 1000, 10, 10, 100))))) {
            MatchResult r = match(Requirements.NONE, one, List.of(d));
            assertThat(r.outcome()).as(d.id()).isEqualTo(MatchOutcome.NO_CAPACITY);
            assertThat(r.refusals())
                    .as(d.id())
                    .containsExactly("zstd-v1: no FREE PARTIAL region on an xilinx alveo-u250 that takes allocations");
        }
    }

    @Test
    void unmetRequirementsWithoutAVariantAreNoMatchingProfile() {
        MatchResult r = match(
                needs(1000.0, null, null),
                List.of(zstd()),
                List.of(device("pr-0", "alveo-u250", DeviceState.ONLINE, free("0", RegionKind.PARTIAL, SMALL))));
        assertThat(r.outcome()).isEqualTo(MatchOutcome.NO_MATCHING_PROFILE);
        assertThat(r.refusals())
                .singleElement()
                .asString()
                .contains("throughput 42.0 GOPS below 1000.0")
                .contains("no variant of its tunables meets them");
    }

    @Test
    void reuseAndBestFitOrderTheCandidates() {
        PersonalityProfile zstd = zstd();
        Region holds = new Region(
                "0",
                RegionKind.PARTIAL,
                SMALL,
                RegionState.FREE,
                Optional.of("zstd-v1"),
                Optional.of(zstd.fabric().bitstream()));
        List<Device> devices = List.of(
                device(
                        "a-large",
                        "alveo-u250",
                        DeviceState.ONLINE,
                        free("0", RegionKind.PARTIAL, new Resources(1_000_000, 2_000_000, 2_000, 5_000, 16_384))),
                device("b-small", "alveo-u250", DeviceState.ONLINE, free("0", RegionKind.PARTIAL, SMALL)),
                device("c-loaded", "alveo-u250", DeviceState.ONLINE, holds));
        MatchResult r = match(Requirements.NONE, List.of(zstd), devices);
        assertThat(r.candidates())
                .extracting(MatchCandidate::deviceId)
                .containsExactly("c-loaded", "b-small", "a-large");
        assertThat(r.candidates().get(0).reusesLoadedImage()).isTrue();
        assertThat(r.candidates().get(0).score() - r.candidates().get(1).score())
                .isCloseTo(Scoring.REUSE, within(1e-9));
    }

    @Test
    void adjustmentFindsTheCheapestVariantThatMeetsTheGoals() {
        Device card = device("pr-0", "alveo-u250", DeviceState.ONLINE, free("0", RegionKind.PARTIAL, SMALL));
        // 45 W at 300 MHz; at most 40 W asked: the clock goes down to the fastest setting under 40 W.
        MatchResult r = match(needs(30.0, null, 40.0), List.of(zstd()), List.of(card));
        assertThat(r.outcome()).isEqualTo(MatchOutcome.ADJUSTED);
        MatchCandidate c = r.candidates().get(0);
        assertThat(c.exact()).isFalse();
        assertThat(c.adjustment().orElseThrow().parentId()).isEqualTo("zstd-v1");
        double clock = c.adjustment().orElseThrow().adjustments().get("kernelClockMhz");
        assertThat(c.expected().powerWatts()).isLessThanOrEqualTo(40.0);
        assertThat(c.expected().throughputGops()).isGreaterThanOrEqualTo(30.0);
        assertThat(clock).as("cheapest: least power that still meets 30 GOPS").isEqualTo(225.0);
        assertThat(c.adjustment().orElseThrow().reason())
                .isEqualTo("adjusted to meet throughput ≥ 30.0 GOPS, power ≤ 40.0 W");
    }

    @Test
    void onlyTunablesThatSetAClockAreSearched() {
        // The number of compute units is fixed in the image: no back end can change it, so no variant along it.
        Tunable units = new Tunable("computeUnits", 1, 4, 1, 2, new TunableEffect(1, 0, 0.9, 1));
        PersonalityProfile fixedUnits = profile(
                "zstd-cu-v1",
                "alveo-u250",
                RegionKind.PARTIAL,
                new Resources(180_000, 300_000, 320, 120, 2_048),
                new PerformanceFigures(42, 150, 45),
                List.of(units, new Tunable("kernelClockMhz", 150, 350, 25, 300, CLOCK)));
        Device card = device("pr-0", "alveo-u250", DeviceState.ONLINE, free("0", RegionKind.PARTIAL, SMALL));
        assertThat(fixedUnits.applicableTunables()).extracting(Tunable::name).containsExactly("kernelClockMhz");
        // 60 GOPS needs 3 compute units (63); the clock alone reaches 49 at 350 MHz.
        assertThat(match(needs(60.0, null, null), List.of(fixedUnits), List.of(card))
                        .outcome())
                .isEqualTo(MatchOutcome.NO_MATCHING_PROFILE);
        MatchResult r = match(needs(45.0, null, null), List.of(fixedUnits), List.of(card));
        assertThat(r.outcome()).isEqualTo(MatchOutcome.ADJUSTED);
        assertThat(r.candidates().get(0).adjustment().orElseThrow().adjustments())
                .containsOnlyKeys("kernelClockMhz");
    }

    /**
     * The goal term: a throughput floor is right-sized (a 42 Gops profile outranks a 420 Gops one for 40 Gops, leaving
     * the faster design for requests that need it), while under a latency or power ceiling lower is better (10 µs
     * outranks 49 µs under 50 µs; 30 W outranks 55 W under 60 W), all else equal: same resources, same region, no
     * reuse.
     */
    @Test
    void throughputIsRightSizedWhileLatencyAndPowerPreferHeadroom() {
        Resources need = new Resources(180_000, 300_000, 320, 120, 2_048);
        java.util.function.BiFunction<String, PerformanceFigures, PersonalityProfile> withFigures =
                (id, f) -> profile(id, "alveo-u250", RegionKind.PARTIAL, need, f, List.of());
        List<Device> cards = twoRegionCards(1);

        MatchResult latency = match(
                needs(null, 50.0, null),
                List.of(
                        withFigures.apply("slow-v1", new PerformanceFigures(42, 49, 45)),
                        withFigures.apply("fast-v1", new PerformanceFigures(42, 10, 45))),
                cards);
        assertThat(latency.candidates())
                .extracting(MatchCandidate::personalityId)
                .startsWith("fast-v1");
        assertThat(latency.candidates().get(0).score())
                .isGreaterThan(latency.candidates().get(1).score());

        MatchResult power = match(
                needs(null, null, 60.0),
                List.of(
                        withFigures.apply("hot-v1", new PerformanceFigures(42, 150, 55)),
                        withFigures.apply("cool-v1", new PerformanceFigures(42, 150, 30))),
                cards);
        assertThat(power.candidates()).extracting(MatchCandidate::personalityId).startsWith("cool-v1");

        MatchResult throughput = match(
                needs(40.0, null, null),
                List.of(
                        withFigures.apply("big-v1", new PerformanceFigures(420, 150, 45)),
                        withFigures.apply("right-v1", new PerformanceFigures(42, 150, 45))),
                cards);
        assertThat(throughput.candidates())
                .extracting(MatchCandidate::personalityId)
                .startsWith("right-v1");
        assertThat(throughput.candidates().get(0).reasons()).contains("goal 0.95"); // 40 ÷ 42
    }

    @Test
    void aStoredProfileThatMeetsTheGoalsComesBeforeAnyVariant() {
        PersonalityProfile lean = profile(
                "lz4-v1",
                "alveo-u250",
                RegionKind.PARTIAL,
                new Resources(160_000, 260_000, 280, 60, 1_024),
                new PerformanceFigures(35, 90, 38),
                List.of());
        Device card = device("pr-0", "alveo-u250", DeviceState.ONLINE, free("0", RegionKind.PARTIAL, SMALL));
        MatchResult r = match(needs(30.0, null, 40.0), List.of(zstd(), lean), List.of(card));
        assertThat(r.outcome()).isEqualTo(MatchOutcome.EXACT);
        assertThat(r.candidates()).extracting(MatchCandidate::personalityId).containsExactly("lz4-v1");
    }

    @Test
    void noProfileEvenAdjustedIs422AndNoRegionIs503() {
        assertThat(match(needs(500.0, null, null), List.of(zstd()), List.of()).outcome())
                .isEqualTo(MatchOutcome.NO_MATCHING_PROFILE);
        assertThat(match(needs(30.0, null, 40.0), List.of(zstd()), List.of()).outcome())
                .isEqualTo(MatchOutcome.NO_CAPACITY);
    }

    @Test
    void theSameStateGivesTheSameAnswer() {
        List<PersonalityProfile> profiles = new ArrayList<>(List.of(
                zstd(),
                profile(
                        "zstd-b-v1",
                        "alveo-u250",
                        RegionKind.PARTIAL,
                        new Resources(180_000, 300_000, 320, 120, 2_048),
                        new PerformanceFigures(42, 150, 45),
                        List.of())));
        List<Device> devices = twoRegionCards(6);
        MatchResult first = match(Requirements.NONE, profiles, devices);
        Collections.reverse(profiles);
        Collections.shuffle(devices, new java.util.Random(7));
        assertThat(match(Requirements.NONE, profiles, devices)).isEqualTo(first);
        assertThat(first.candidates())
                .as("each profile on the first FREE region of the one group that fits")
                .extracting(c -> c.personalityId() + "@" + c.deviceId() + "/" + c.regionId())
                .containsExactly("zstd-b-v1@pr-0/0", "zstd-v1@pr-0/0");
    }

    @Test
    void aClaimedRegionIsOfferedToNobodyElseUntilReleased() {
        MatchIndex index = matcher.newIndex();
        index.putProfiles(List.of(zstd()));
        Device card = device("pr-0", "alveo-u250", DeviceState.ONLINE, free("0", RegionKind.PARTIAL, SMALL));
        index.putDevices(List.of(card));
        MatchOptions options = MatchOptions.of((p, os) -> true);
        RegionRef region = new RegionRef("pr-0", "0");
        assertThat(index.claim(region)).isTrue();
        assertThat(index.claim(region)).as("claimed once").isFalse();
        index.putDevices(List.of(card));
        assertThat(index.match(request(null), options).outcome())
                .as("a put of the device as FREE does not end the claim")
                .isEqualTo(MatchOutcome.NO_CAPACITY);
        index.release(region);
        assertThat(index.match(request(null), options).outcome()).isEqualTo(MatchOutcome.EXACT);

        // Reserved in the database meanwhile: the put says RESERVED, the release offers nothing.
        assertThat(index.claim(region)).isTrue();
        Region reserved =
                new Region("0", RegionKind.PARTIAL, SMALL, RegionState.RESERVED, Optional.empty(), Optional.empty());
        index.putDevices(List.of(device("pr-0", "alveo-u250", DeviceState.ONLINE, reserved)));
        index.release(region);
        assertThat(index.match(request(null), options).outcome()).isEqualTo(MatchOutcome.NO_CAPACITY);
        assertThat(index.claim(region)).isFalse();
    }

    /**
     * Claims, releases and region updates from many threads, as requests and releases make them: a region is never
     * claimed by two at once, and when all is done every region is offered again, exactly once.
     */
    @Test
    void concurrentClaimsAndRegionUpdatesNeverOfferARegionTwice() throws Exception {
        MatchIndex index = matcher.newIndex();
        index.putProfiles(List.of(zstd()));
        List<Device> cards = twoRegionCards(4);
        index.putDevices(cards);
        Set<RegionRef> held = ConcurrentHashMap.newKeySet();
        AtomicInteger claims = new AtomicInteger();
        AtomicInteger doubleClaims = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            runs.add(threads.submit(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int n = 0; n < 5_000; n++) {
                    RegionRef ref = new RegionRef("pr-" + random.nextInt(4), String.valueOf(random.nextInt(2)));
                    if (!index.claim(ref)) {
                        continue;
                    }
                    claims.incrementAndGet();
                    if (!held.add(ref)) {
                        doubleClaims.incrementAndGet();
                    }
                    index.putRegion(
                            ref.deviceId(),
                            new Region(
                                    ref.regionId(),
                                    RegionKind.PARTIAL,
                                    SMALL,
                                    RegionState.RESERVED,
                                    Optional.empty(),
                                    Optional.empty()));
                    index.release(ref);
                    held.remove(ref);
                    index.putRegion(ref.deviceId(), free(ref.regionId(), RegionKind.PARTIAL, SMALL));
                }
            }));
        }
        threads.shutdown();
        assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        for (Future<?> run : runs) {
            run.get();
        }
        assertThat(doubleClaims).hasValue(0);
        assertThat(claims.get()).isGreaterThan(1_000);
        for (Device card : cards) {
            for (Region r : card.regions()) {
                RegionRef ref = new RegionRef(card.id(), r.id());
                assertThat(index.claim(ref)).as("%s offered again", ref).isTrue();
                assertThat(index.claim(ref)).as("%s offered once", ref).isFalse();
            }
        }
    }

    @Test
    void excludedRegionsAndProfilesAndTheHeldRegion() {
        MatchIndex index = matcher.newIndex();
        PersonalityProfile other = profile(
                "lz4-v1",
                "alveo-u250",
                RegionKind.PARTIAL,
                new Resources(160_000, 260_000, 280, 60, 1_024),
                new PerformanceFigures(35, 90, 38),
                List.of());
        index.putProfiles(List.of(zstd(), other));
        Region used = new Region(
                "0",
                RegionKind.PARTIAL,
                SMALL,
                RegionState.ACTIVE,
                Optional.of("lz4-v1"),
                Optional.of(other.fabric().bitstream()));
        index.putDevices(
                List.of(device("pr-0", "alveo-u250", DeviceState.ONLINE, used, free("1", RegionKind.PARTIAL, SMALL))));
        MatchOptions options = MatchOptions.of((p, os) -> true);
        assertThat(index.match(request(null), options).candidates())
                .extracting(MatchCandidate::regionId)
                .containsOnly("1");
        MatchResult noFree = index.match(request(null), options.excludingRegion(new RegionRef("pr-0", "1")));
        assertThat(noFree.outcome()).isEqualTo(MatchOutcome.NO_CAPACITY);
        // The VM holds region 0 with lz4; leaving lz4 out, zstd may take region 0 in place.
        MatchResult inPlace = index.match(
                request(null),
                options.excludingRegion(new RegionRef("pr-0", "1"))
                        .excludingProfile("lz4-v1")
                        .holding(new RegionRef("pr-0", "0")));
        assertThat(inPlace.outcome()).isEqualTo(MatchOutcome.EXACT);
        assertThat(inPlace.candidates()).singleElement().satisfies(c -> {
            assertThat(c.personalityId()).isEqualTo("zstd-v1");
            assertThat(c.regionId()).isEqualTo("0");
            assertThat(c.reusesLoadedImage()).isFalse();
        });
        assertThat(index.match(request(null), options.excludingProfile("lz4-v1").excludingProfile("zstd-v1"))
                        .refusals())
                .allMatch(r -> r.contains("left out"));
    }

    @Test
    void updatesReplaceAndRetireProfilesAndTheWalkStartsAtTheThroughputFloor() {
        MatchIndex index = matcher.newIndex();
        List<PersonalityProfile> many = new ArrayList<>();
        for (int i = 1; i <= 2_000; i++) {
            many.add(profile(
                    String.format("p%04d-v1", i),
                    "alveo-u250",
                    RegionKind.PARTIAL,
                    new Resources(100_000, 200_000, 100, 100, 1_024),
                    new PerformanceFigures(i, 100, 40),
                    List.of()));
        }
        index.putProfiles(many);
        index.putDevices(
                List.of(device("pr-0", "alveo-u250", DeviceState.ONLINE, free("0", RegionKind.PARTIAL, SMALL))));
        assertThat(index.profileCount()).isEqualTo(2_000);
        MatchOptions options = MatchOptions.of((p, os) -> true);
        MatchResult r = index.match(request(needs(1_500.0, null, null)), options);
        assertThat(r.candidates().get(0).personalityId())
                .as("just above the floor is closest to the goal")
                .isEqualTo("p1500-v1");
        index.putProfiles(List.of(many.get(1_499).withStatus(ProfileStatus.RETIRED)));
        assertThat(index.profileCount()).isEqualTo(1_999);
        assertThat(index.match(request(needs(1_500.0, null, null)), options)
                        .candidates()
                        .get(0)
                        .personalityId())
                .isEqualTo("p1501-v1");
        assertThat(index.match(request(needs(2_001.0, null, null)), options).refusals())
                .as("the nearest below the floor explain the refusal")
                .startsWith("p2000-v1: throughput 2000.0 GOPS below 2001.0");
    }
}
