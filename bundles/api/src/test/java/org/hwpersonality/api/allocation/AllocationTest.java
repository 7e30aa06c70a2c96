package org.hwpersonality.api.allocation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hwpersonality.api.Rejections.assertRejected;
import static org.hwpersonality.api.Samples.T0;
import static org.hwpersonality.api.Samples.with;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.Requirements;
import org.junit.jupiter.api.Test;

class AllocationTest {
    private final Allocation reserved = new Allocation(
            "a-1",
            "vm-1",
            new PersonalityRequest("vm-1", OsInfo.of("linux", "5.15"), "ml-inference", Requirements.NONE),
            "p-1",
            "sim-0",
            "0",
            AllocationState.RESERVED,
            Optional.empty(),
            Optional.empty(),
            T0,
            T0);

    @Test
    void stateMachine() {
        Allocation programming = reserved.moveTo(AllocationState.PROGRAMMING, T0.plusMillis(1));
        Allocation active = programming.moveTo(AllocationState.ACTIVE, T0.plusMillis(20));
        assertThat(active.state()).isEqualTo(AllocationState.ACTIVE);
        assertThat(active.updatedAt()).isEqualTo(T0.plusMillis(20));
        assertThat(reserved.moveTo(AllocationState.ACTIVE, T0).state()).isEqualTo(AllocationState.ACTIVE);
        assertThat(AllocationState.RELEASED.canMoveTo(AllocationState.ACTIVE)).isFalse();
        assertThat(AllocationState.FAILED.canMoveTo(AllocationState.RESERVED)).isFalse();
        assertThat(AllocationState.PROGRAMMING.canMoveTo(AllocationState.RELEASED))
                .isFalse();
        assertThat(AllocationState.ACTIVE.holdsRegion()).isTrue();
        assertThat(AllocationState.RELEASED.holdsRegion()).isFalse();
        assertThatThrownBy(() -> active.moveTo(AllocationState.PROGRAMMING, T0.plusSeconds(1)))
                .isInstanceOf(HwpException.class)
                .hasMessage("allocation a-1 cannot go from ACTIVE to PROGRAMMING")
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.CONFLICT);
    }

    @Test
    void allocationRules() {
        assertRejected(() -> with(reserved, "id", null), "id", "is required");
        assertRejected(() -> with(reserved, "vmId", "a b"), "vmId", "letters");
        assertRejected(() -> with(reserved, "personalityId", ""), "personalityId", "letters");
        assertRejected(() -> with(reserved, "request", null), "request", "is required");
        assertRejected(
                () -> with(reserved, "request", new PersonalityRequest("vm-2", OsInfo.of("linux", null), "w", null)),
                "request.vmId",
                "allocation's VM vm-1");
        assertRejected(() -> with(reserved, "deviceId", "/dev/x"), "deviceId", "letters");
        assertRejected(() -> with(reserved, "regionId", null), "regionId", "is required");
        assertRejected(() -> with(reserved, "state", null), "state", "is required");
        assertRejected(() -> with(reserved, "driverPackageId", Optional.of("?")), "driverPackageId", "letters");
        assertRejected(
                () -> with(reserved, "previousAllocationId", Optional.of("a-1")), "previousAllocationId", "itself");
        assertRejected(() -> with(reserved, "updatedAt", T0.minusSeconds(1)), "updatedAt", "before createdAt");
        assertRejected(() -> with(reserved, "createdAt", null), "createdAt", "is required");
    }

    @Test
    void matchResultsAreConsistent() {
        MatchCandidate candidate = new MatchCandidate(
                "p-1",
                "sim-0",
                "0",
                new PerformanceFigures(100, 40, 60),
                0.9,
                true,
                Optional.empty(),
                List.of("reuses loaded image"));
        assertThat(candidate.exact()).isTrue();
        assertThat(new MatchResult(MatchOutcome.EXACT, List.of(candidate), List.of()).candidates())
                .hasSize(1);
        assertThat(MatchResult.refused(MatchOutcome.NO_CAPACITY, List.of("all regions busy"))
                        .refusals())
                .hasSize(1);
        assertRejected(
                () -> new MatchResult(MatchOutcome.EXACT, List.of(), List.of()),
                "candidates",
                "must not be empty for EXACT");
        assertRejected(
                () -> new MatchResult(MatchOutcome.NO_MATCHING_PROFILE, List.of(candidate), List.of()),
                "candidates",
                "must be empty for NO_MATCHING_PROFILE");
        assertRejected(() -> with(candidate, "score", Double.NaN), "score", "finite");
        assertRejected(() -> with(candidate, "expected", null), "expected", "is required");
        assertRejected(() -> new Reconfiguration(true, -1), "durationMs", "zero or more");
    }

    @Test
    void allocationResultRules() {
        MatchCandidate candidate = new MatchCandidate(
                "p-1", "sim-0", "0", new PerformanceFigures(100, 40, 60), 0.9, false, Optional.empty(), List.of());
        AllocationResult result = new AllocationResult(
                reserved, "sim", false, Optional.empty(), Reconfiguration.NOT_NEEDED, candidate, true);
        assertThat(result.changed()).isTrue();
        assertRejected(() -> with(result, "allocation", null), "allocation", "is required");
        assertRejected(() -> with(result, "vendor", "SIM"), "vendor", "lower-case");
        assertRejected(() -> with(result, "driver", null), "driver", "is required");
        assertRejected(() -> with(result, "match", null), "match", "is required");
    }
}
