package org.hwpersonality.management.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationResult;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.outcome.LearnedFigures;
import org.hwpersonality.api.outcome.Outcome;
import org.hwpersonality.api.request.Metrics;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.RepersonalizationRequest;
import org.hwpersonality.api.request.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adaptive loop on the real stores and simulator: a VM's threshold against its personality's promise decides a
 * re-personalization, the one that under-delivered is left out for that VM, reports teach the matcher from the
 * configured sample count on (and not before), and a personality far below its promise is flagged.
 */
class LearningTest {
    private static final OsInfo LINUX = OsInfo.of("linux", "5.15.0");
    /** The sample catalogue's compression profiles on an Alveo U250: 42 and 12 Gops promised. */
    private static final String ZSTD = "zstd-u250-v1";

    @TempDir
    Path folder;

    private static Metrics throughput(double gops) {
        return new Metrics(
                Optional.of(gops), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Instant.now());
    }

    private static PersonalityRequest compression(String vmId, Double minThroughput) {
        return new PersonalityRequest(
                vmId,
                LINUX,
                "compression",
                new Requirements(
                        Optional.ofNullable(minThroughput), Optional.empty(), Optional.empty(), Optional.empty()));
    }

    private static RepersonalizationRequest report(String vm, Metrics m, double threshold) {
        return new RepersonalizationRequest(
                vm, m, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(threshold));
    }

    @Test
    void theAgentsThresholdAgainstThePromiseDecidesWithoutAnyRequirement() throws Exception {
        try (Platform p = new Platform(folder, Map.of(), Platform.u250("ud-", 2))) {
            String vm = p.management.registerVm("web", LINUX, "karaf").vm().id();
            Allocation first =
                    p.management.request(compression(vm, null), "karaf").allocation();
            String personality = first.personalityId();
            double promised = p.profiles
                    .find(personality)
                    .orElseThrow()
                    .workload("compression")
                    .orElseThrow()
                    .performance()
                    .throughputGops();

            // 90 % of the promise at a threshold of 0.8: it delivers, nothing moves, and the answer says why.
            AllocationResult kept = p.management.repersonalize(report(vm, throughput(0.9 * promised), 0.8), "vm");
            assertThat(kept.changed()).isFalse();
            assertThat(kept.allocation()).isEqualTo(first);
            assertThat(kept.match().reasons().get(0))
                    .startsWith("the measured figures meet the requirements; measured throughput")
                    .contains("≥ 0.8 × promised");

            // Half of the promise: it under-delivers; the VM moves, and the first reason is the comparison.
            AllocationResult moved = p.management.repersonalize(report(vm, throughput(0.5 * promised), 0.8), "vm");
            assertThat(moved.changed()).isTrue();
            assertThat(moved.allocation().personalityId()).isNotEqualTo(personality);
            assertThat(moved.match().reasons().get(0))
                    .startsWith("under-delivers: measured throughput")
                    .contains("< 0.8 × promised");

            // The new one under-delivers too: the first is still left out for this VM, and nothing else serves
            // compression on a U250, so the VM keeps what it has and is told why.
            AllocationResult stays = p.management.repersonalize(report(vm, throughput(0.1), 0.8), "vm");
            assertThat(stays.changed()).isFalse();
            assertThat(stays.allocation().id()).isEqualTo(moved.allocation().id());
            assertThat(String.join(" ", stays.match().reasons()))
                    .contains("no better personality is available now")
                    .contains(personality + ": left out");

            // Every report is in the history, newest first, with its verdict.
            List<Outcome> history = p.outcomes.ofVm(vm, 10);
            assertThat(history).extracting(Outcome::underDelivered).containsExactly(true, true, false);
            assertThat(history.get(2).personalityId()).isEqualTo(personality);
            assertThat(history.get(2).family()).isEqualTo("alveo-u250");
            assertThat(history.get(0).personalityId())
                    .isEqualTo(moved.allocation().personalityId());
        }
    }

    @Test
    void aPersonalityThatUnderDeliveredIsOfferedToTheVmAgainWhenTheExclusionIsOff() throws Exception {
        try (Platform p = new Platform(folder, Map.of("underDeliveryExclusionMinutes", 0L), Platform.u250("ux-", 2))) {
            String vm = p.management.registerVm("web", LINUX, "karaf").vm().id();
            String first = p.management
                    .request(compression(vm, null), "karaf")
                    .allocation()
                    .personalityId();
            AllocationResult moved = p.management.repersonalize(report(vm, throughput(0.1), 0.8), "vm");
            assertThat(moved.allocation().personalityId()).isNotEqualTo(first);
            AllocationResult back = p.management.repersonalize(report(vm, throughput(0.1), 0.8), "vm");
            assertThat(back.changed()).isTrue();
            assertThat(back.allocation().personalityId()).isEqualTo(first);
        }
    }

    @Test
    void learnedFiguresRankFromTheSampleCountOnAndAFarShortPersonalityIsFlagged() throws Exception {
        try (Platform p =
                new Platform(folder, Map.of("learningMinSamples", 5, "flagRatio", 0.7), Platform.u250("lf-", 3))) {
            // For 10 Gops the 12 Gops design is the right size (the 42 Gops one is left for larger requests).
            String vm1 = p.management.registerVm("web-1", LINUX, "karaf").vm().id();
            AllocationResult a1 = p.management.request(compression(vm1, 10.0), "karaf");
            String small = a1.allocation().personalityId();
            assertThat(small).isNotEqualTo(ZSTD);
            assertThat(a1.match().reasons()).anyMatch(r -> r.endsWith("(promised)"));

            // Four reports at half its promise: fewer than five, so the promise still ranks.
            for (int i = 0; i < 4; i++) {
                p.management.report(vm1, throughput(6.0), Optional.empty(), Optional.empty(), "vm");
            }
            String vm2 = p.management.registerVm("web-2", LINUX, "karaf").vm().id();
            AllocationResult a2 = p.management.request(compression(vm2, 10.0), "karaf");
            assertThat(a2.allocation().personalityId()).isEqualTo(small);
            assertThat(p.management.learned(small))
                    .singleElement()
                    .satisfies(l -> assertThat(l.samples()).isEqualTo(4))
                    .satisfies(l -> assertThat(l.flaggedAt()).isEmpty());

            // The fifth (from a second VM): it now ranks by what it delivers, 6 Gops, which misses 10 Gops.
            p.management.report(vm2, throughput(6.0), Optional.empty(), Optional.empty(), "vm");
            String vm3 = p.management.registerVm("web-3", LINUX, "karaf").vm().id();
            AllocationResult a3 = p.management.request(compression(vm3, 10.0), "karaf");
            assertThat(a3.allocation().personalityId()).isEqualTo(ZSTD);

            // For 5 Gops it still fits, and the explanation says its figures were learned.
            String vm4 = p.management.registerVm("web-4", LINUX, "karaf").vm().id();
            AllocationResult a4 = p.management.request(compression(vm4, 5.0), "karaf");
            assertThat(a4.allocation().personalityId()).isEqualTo(small);
            assertThat(a4.match().expected().throughputGops()).isEqualTo(6.0);
            assertThat(a4.match().reasons()).anyMatch(r -> r.contains("(learned from 5 reports"));

            // Five reports from two VMs, the median at half the promise: flagged once, with an event.
            LearnedFigures learned = p.management.learned(small).get(0);
            assertThat(learned.vms()).isEqualTo(2);
            assertThat(learned.throughputMedian()).contains(6.0);
            assertThat(learned.flaggedAt()).isPresent();
            assertThat(p.management.underperforming()).containsExactly(learned);
            List<HwpEvent> events = p.events.newest(50, small);
            assertThat(events)
                    .filteredOn(e -> e.topic().endsWith("/" + Learning.FLAGGED))
                    .singleElement()
                    .satisfies(e -> assertThat(e.details().get("why")).contains("median throughput 6.0 Gops"));

            // Reports at the promise bring the median back: the flag is cleared, once.
            for (int i = 0; i < 6; i++) {
                p.management.report(vm2, throughput(12.0), Optional.empty(), Optional.empty(), "vm");
            }
            assertThat(p.management.learned(small).get(0).flaggedAt()).isEmpty();
            assertThat(p.management.underperforming()).isEmpty();
            assertThat(p.events.newest(50, small))
                    .filteredOn(e -> e.topic().endsWith("/" + Learning.UNFLAGGED))
                    .hasSize(1);
        }
    }
}
