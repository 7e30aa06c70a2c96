package org.hwpersonality.matcher.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hwpersonality.matcher.internal.DefaultMatcherTest.free;
import static org.hwpersonality.matcher.internal.DefaultMatcherTest.needs;
import static org.hwpersonality.matcher.internal.DefaultMatcherTest.request;
import static org.hwpersonality.matcher.internal.DefaultMatcherTest.zstd;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.hwpersonality.api.Resources;
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
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.service.MatchIndex;
import org.hwpersonality.api.service.MatchOptions;
import org.junit.jupiter.api.Test;

/** A VM that runs on a host is given regions of that node's devices only (issue 19, "where a VM runs"). */
class HostLocalityTest {
    private static final String SHELL = "a7c3e1f0b25011ee8c900242ac120250";
    private static final Resources SMALL = new Resources(400_000, 800_000, 600, 2_000, 8_192);
    private static final MatchOptions ANY = MatchOptions.of((p, os) -> true);

    private final MatchIndex index = new DefaultMatcher().newIndex();

    /** A U250 of {@code node} with the back end's local ID {@code local}: the same local IDs on every node. */
    private static Device card(String node, String local, Region... regions) {
        return new Device(
                Device.qualifiedId(node, local),
                "xilinx",
                "card",
                "alveo-u250",
                SHELL,
                "sim",
                DeviceState.ONLINE,
                DeviceHealth.OK,
                List.of(regions),
                node,
                local);
    }

    private static Region holding(String id, PersonalityProfile p) {
        return new Region(
                id,
                RegionKind.PARTIAL,
                SMALL,
                RegionState.FREE,
                Optional.of(p.personalityId()),
                Optional.of(p.fabric().bitstream()));
    }

    private static String nodeOf(MatchCandidate c) {
        return c.deviceId().substring(0, c.deviceId().indexOf(':'));
    }

    @Test
    void aVmOnAHostIsGivenOnlyThatHostsRegionsEvenWhenAnotherHostHoldsItsImage() {
        PersonalityProfile zstd = zstd();
        index.putProfiles(List.of(zstd));
        index.putDevices(List.of(
                card("host-a", "0000:3b:00.0", holding("0", zstd), free("1", RegionKind.PARTIAL, SMALL)),
                card("host-b", "0000:3b:00.0", free("0", RegionKind.PARTIAL, SMALL)),
                card("host-b", "0000:af:00.0", free("0", RegionKind.PARTIAL, SMALL))));

        MatchResult anywhere = index.match(request(Requirements.NONE), ANY);
        assertThat(anywhere.candidates().get(0).deviceId()).isEqualTo("host-a:0000:3b:00.0");
        assertThat(anywhere.candidates().get(0).reusesLoadedImage()).isTrue();

        MatchResult onB = index.match(request(Requirements.NONE), ANY.onHost(Optional.of("host-b")));
        assertThat(onB.outcome()).isEqualTo(MatchOutcome.EXACT);
        assertThat(onB.candidates())
                .isNotEmpty()
                .allSatisfy(c -> assertThat(nodeOf(c)).isEqualTo("host-b"));
        assertThat(onB.candidates().get(0).reusesLoadedImage()).isFalse();

        // On its own host the region that holds the image is preferred, as anywhere.
        MatchResult onA = index.match(request(Requirements.NONE), ANY.onHost(Optional.of("host-a")));
        assertThat(onA.candidates()).allSatisfy(c -> assertThat(nodeOf(c)).isEqualTo("host-a"));
        assertThat(onA.candidates().get(0).regionId()).isEqualTo("0");
        assertThat(onA.candidates().get(0).reusesLoadedImage()).isTrue();
    }

    @Test
    void aHostWithoutAFreeCompatibleRegionRefusesNamingTheHost() {
        index.putProfiles(List.of(zstd()));
        index.putDevices(List.of(
                card("host-a", "0000:3b:00.0", free("0", RegionKind.PARTIAL, SMALL)),
                card("host-b", "0000:3b:00.0", free("0", RegionKind.FULL, SMALL))));

        MatchResult onB = index.match(request(Requirements.NONE), ANY.onHost(Optional.of("host-b")));
        assertThat(onB.outcome()).isEqualTo(MatchOutcome.NO_CAPACITY);
        assertThat(onB.candidates()).isEmpty();
        assertThat(onB.refusals()).anySatisfy(r -> assertThat(r).contains("of host host-b"));

        // A node nobody has heard of has no regions: refused the same way, never matched elsewhere.
        MatchResult nowhere = index.match(request(Requirements.NONE), ANY.onHost(Optional.of("host-z")));
        assertThat(nowhere.outcome()).isEqualTo(MatchOutcome.NO_CAPACITY);
    }

    @Test
    void adjustedVariantsAndTheHeldRegionStayOnTheHost() {
        index.putProfiles(List.of(zstd()));
        Region used = new Region(
                "0",
                RegionKind.PARTIAL,
                SMALL,
                RegionState.ACTIVE,
                Optional.of("zstd-v1"),
                Optional.of(zstd().fabric().bitstream()));
        index.putDevices(List.of(
                card("host-a", "0000:3b:00.0", used, free("1", RegionKind.PARTIAL, SMALL)),
                card("host-b", "0000:3b:00.0", free("0", RegionKind.PARTIAL, SMALL))));

        // 45 W at 300 MHz; at most 40 W: a variant, placed on host B only.
        MatchResult adjusted = index.match(request(needs(30.0, null, 40.0)), ANY.onHost(Optional.of("host-b")));
        assertThat(adjusted.outcome()).isEqualTo(MatchOutcome.ADJUSTED);
        assertThat(adjusted.candidates()).allSatisfy(c -> assertThat(nodeOf(c)).isEqualTo("host-b"));

        // The VM holds region 0 on host A but now runs on host B (migrated): its old region is not offered.
        RegionRef held = new RegionRef("host-a:0000:3b:00.0", "0");
        MatchResult migrated =
                index.match(request(Requirements.NONE), ANY.holding(held).onHost(Optional.of("host-b")));
        assertThat(migrated.candidates()).allSatisfy(c -> assertThat(nodeOf(c)).isEqualTo("host-b"));
        // Still on host A, it is.
        MatchResult stayed = index.match(
                request(Requirements.NONE),
                ANY.holding(held)
                        .excludingRegion(new RegionRef("host-a:0000:3b:00.0", "1"))
                        .onHost(Optional.of("host-a")));
        assertThat(stayed.candidates()).extracting(MatchCandidate::regionId).containsExactly("0");
    }

    /**
     * Random claims, releases and device updates on three hosts: a host-bound match never offers another host's
     * region, nor a claimed one, and offers one whenever the host has a free region.
     */
    @Test
    void overRandomClaimsAndReleasesAHostBoundMatchStaysOnItsHost() {
        index.putProfiles(List.of(zstd()));
        List<String> hosts = List.of("host-a", "host-b", "host-c");
        List<Device> cards = new ArrayList<>();
        for (String host : hosts) {
            for (int i = 0; i < 3; i++) {
                cards.add(card(
                        host,
                        "0000:" + (0x3b + i) + ":00.0",
                        free("0", RegionKind.PARTIAL, SMALL),
                        free("1", RegionKind.PARTIAL, SMALL)));
            }
        }
        index.putDevices(cards);
        Random random = new Random(19);
        Set<RegionRef> claimed = new HashSet<>();
        for (int step = 0; step < 5_000; step++) {
            String host = hosts.get(random.nextInt(hosts.size()));
            if (random.nextInt(3) == 0 && !claimed.isEmpty()) {
                RegionRef back = claimed.stream()
                        .skip(random.nextInt(claimed.size()))
                        .findFirst()
                        .orElseThrow();
                claimed.remove(back);
                index.release(back);
                continue;
            }
            MatchResult r = index.match(request(Requirements.NONE), ANY.onHost(Optional.of(host)));
            long freeOnHost = 6
                    - claimed.stream()
                            .filter(c -> c.deviceId().startsWith(host + ":"))
                            .count();
            if (freeOnHost == 0) {
                assertThat(r.outcome()).as("step %d", step).isEqualTo(MatchOutcome.NO_CAPACITY);
                continue;
            }
            assertThat(r.candidates()).as("step %d", step).isNotEmpty();
            for (MatchCandidate c : r.candidates()) {
                RegionRef ref = new RegionRef(c.deviceId(), c.regionId());
                assertThat(nodeOf(c)).as("step %d", step).isEqualTo(host);
                assertThat(claimed).as("step %d", step).doesNotContain(ref);
            }
            RegionRef first = new RegionRef(
                    r.candidates().get(0).deviceId(), r.candidates().get(0).regionId());
            assertThat(index.claim(first)).isTrue();
            claimed.add(first);
        }
    }
}
