package org.hwpersonality.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hwpersonality.api.Rejections.assertRejected;

import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.hwpersonality.api.internal.Checks;
import org.junit.jupiter.api.Test;

class SharedValuesTest {
    @Test
    void sha256AcceptsHexAndNormalizesCase() {
        assertThat(Sha256.of("AB".repeat(32)).hex()).isEqualTo("ab".repeat(32));
        assertThat(Sha256.of(new byte[32]).hex()).isEqualTo("0".repeat(64));
        assertThat(Sha256.of("0f".repeat(32)).bytes()).hasSize(32);
    }

    @Test
    void sha256RejectsBadDigests() {
        assertRejected(() -> new Sha256(null), "", "is required");
        assertRejected(() -> new Sha256("abc"), "", "64 lower-case hexadecimal");
        assertRejected(() -> new Sha256("g".repeat(64)), "", "64 lower-case hexadecimal");
        assertRejected(() -> new Sha256("A".repeat(64)), "", "64 lower-case hexadecimal");
        assertRejected(() -> Sha256.of(new byte[31]), "", "32 bytes");
    }

    /** The hand-written checks accept exactly what the grammars in their documentation accept. */
    @Test
    void idNameAndHexChecksFollowTheirGrammars() {
        assertSameLanguage(Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}"), v -> Checks.id("f", v), 130);
        assertSameLanguage(Pattern.compile("[a-z][a-z0-9-]{0,63}"), v -> Checks.name("f", v), 66);
        assertSameLanguage(Pattern.compile("[0-9a-f]{64}"), v -> Checks.lowerHex("f", v, 64, "hex"), 66);
        assertRejected(() -> Checks.id("vmId", "../etc"), "vmId", "letters, digits");
        assertRejected(() -> Checks.id("vmId", null), "vmId", "is required");
    }

    private static void assertSameLanguage(Pattern grammar, UnaryOperator<String> check, int maxLength) {
        String alphabet = "aAzZ09fg._:-/ \u00e9\u0000";
        Random random = new Random(20261130);
        int accepted = 0;
        for (int n = 0; n < 20_000; n++) {
            int length = random.nextInt(4) == 0 ? random.nextInt(maxLength + 1) : maxLength - random.nextInt(4);
            StringBuilder value = new StringBuilder();
            boolean plain = random.nextBoolean();
            for (int i = 0; i < length; i++) {
                value.append(
                        plain ? "a0f".charAt(random.nextInt(3)) : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String candidate = value.toString();
            boolean expected = grammar.matcher(candidate).matches();
            boolean actual;
            try {
                actual = check.apply(candidate).equals(candidate);
            } catch (ValidationException e) {
                actual = false;
            }
            assertThat(actual).as("'%s'", candidate).isEqualTo(expected);
            accepted += expected ? 1 : 0;
        }
        assertThat(accepted).as("generated values the grammar accepts").isGreaterThan(1_000);
    }

    @Test
    void kernelVersionsCompareByReleaseThenBuild() {
        assertThat(KernelVersion.of("5.15.0-91-generic")).isGreaterThan(KernelVersion.of("5.15.0-88-generic"));
        assertThat(KernelVersion.of("6.1")).isGreaterThan(KernelVersion.of("5.15.0"));
        assertThat(KernelVersion.of("5.10.0").compareTo(KernelVersion.of("5.10")))
                .isZero();
        assertThat(KernelVersion.of("5.9")).isLessThan(KernelVersion.of("5.10"));
    }

    @Test
    void kernelVersionRejectsNonVersions() {
        assertRejected(() -> KernelVersion.of("linux"), "", "kernel version");
        assertRejected(() -> KernelVersion.of(""), "", "kernel version");
        assertRejected(() -> KernelVersion.of("5.15.0; rm -rf /"), "", "kernel version");
        assertRejected(() -> KernelVersion.of(null), "", "is required");
    }

    @Test
    void kernelRangeIsHalfOpen() {
        KernelRange range = KernelRange.parse("[5.4,6.2)");
        assertThat(range.contains(KernelVersion.of("5.4.0"))).isTrue();
        assertThat(range.contains(KernelVersion.of("6.1.55"))).isTrue();
        assertThat(range.contains(KernelVersion.of("6.2"))).isFalse();
        assertThat(range.contains(KernelVersion.of("5.3.18"))).isFalse();
        assertThat(KernelRange.parse("[5.4,)").contains(KernelVersion.of("9.0")))
                .isTrue();
        assertThat(KernelRange.parse("[,5.4)").contains(KernelVersion.of("4.18")))
                .isTrue();
        assertThat(KernelRange.parse("*")).isEqualTo(KernelRange.ANY);
        assertThat(KernelRange.parse(range.toString())).isEqualTo(range);
    }

    @Test
    void kernelRangeRejectsMalformedAndEmptyRanges() {
        assertRejected(() -> KernelRange.parse("5.4"), "", "'[min,max)'");
        assertRejected(() -> KernelRange.parse("[5.4,6.2]"), "", "'[min,max)'");
        assertRejected(() -> KernelRange.parse("[5.4,6.2,7)"), "", "exactly one ','");
        assertRejected(() -> KernelRange.parse("[6.2,5.4)"), "", "must be below max");
        assertRejected(() -> KernelRange.parse("[5.4,5.4)"), "", "must be below max");
        assertRejected(() -> KernelRange.parse(null), "", "is required");
    }

    @Test
    void osInfoNeedsALowerCaseFamily() {
        assertThat(OsInfo.of("linux", "5.15.0").kernel()).contains(KernelVersion.of("5.15.0"));
        assertThat(OsInfo.of("windows", null).kernel()).isEmpty();
        assertRejected(() -> OsInfo.of("Linux", null), "family", "lower-case");
        assertRejected(() -> OsInfo.of(null, null), "family", "is required");
        assertRejected(() -> new OsInfo("linux", null), "kernel", "is required");
    }

    @Test
    void resourcesMustNotBeNegative() {
        assertRejected(() -> new Resources(-1, 0, 0, 0, 0), "luts", "zero or more");
        assertRejected(() -> new Resources(0, -1, 0, 0, 0), "registers", "zero or more");
        assertRejected(() -> new Resources(0, 0, -1, 0, 0), "bramBlocks", "zero or more");
        assertRejected(() -> new Resources(0, 0, 0, -1, 0), "dsps", "zero or more");
        assertRejected(() -> new Resources(0, 0, 0, 0, -1), "memoryMb", "zero or more");
    }

    @Test
    void resourcesFitAndUtilization() {
        Resources capacity = new Resources(100, 200, 10, 20, 1024);
        Resources need = new Resources(50, 20, 10, 0, 512);
        assertThat(need.fitsIn(capacity)).isTrue();
        assertThat(need.utilizationOf(capacity)).isEqualTo(1.0);
        assertThat(new Resources(101, 0, 0, 0, 0).fitsIn(capacity)).isFalse();
        assertThat(new Resources(0, 0, 0, 1, 0).utilizationOf(new Resources(0, 0, 0, 0, 0)))
                .isInfinite();
        assertThat(need.scaled(2)).isEqualTo(new Resources(100, 40, 20, 0, 512));
    }

    @Test
    void performanceFiguresAreFiniteAndInRange() {
        assertRejected(() -> new PerformanceFigures(-1, 1, 1), "throughputGops", "zero or more");
        assertRejected(() -> new PerformanceFigures(Double.NaN, 1, 1), "throughputGops", "finite");
        assertRejected(() -> new PerformanceFigures(2e9, 1, 1), "throughputGops", "at most");
        assertRejected(() -> new PerformanceFigures(1, 0, 1), "latencyUs", "greater than zero");
        assertRejected(() -> new PerformanceFigures(1, Double.POSITIVE_INFINITY, 1), "latencyUs", "finite");
        assertRejected(() -> new PerformanceFigures(1, 1, 0), "powerWatts", "greater than zero");
        assertRejected(() -> new PerformanceFigures(1, 1, 2e9), "powerWatts", "at most");
    }

    @Test
    void validationExceptionBuildsPaths() {
        ValidationException e = new ValidationException("latencyUs", "must be greater than zero");
        assertThat(e.within("workloads[1].performance").field()).isEqualTo("workloads[1].performance.latencyUs");
        assertThat(new ValidationException("[2]", "must not be null")
                        .within("files")
                        .field())
                .isEqualTo("files[2]");
        assertThat(e.within("profiles[0]").getMessage()).isEqualTo("profiles[0].latencyUs: must be greater than zero");
    }

    @Test
    void singleValuesAreNamedByTheirOwner() {
        assertRejected(() -> OsInfo.of("linux", "five"), "kernel", "kernel version");
        ValidationException digest = new ValidationException("", "must be 64 lower-case hexadecimal digits");
        assertThat(digest.getMessage()).isEqualTo("must be 64 lower-case hexadecimal digits");
        assertThat(digest.within("fabric.bitstream").getMessage())
                .isEqualTo("fabric.bitstream: must be 64 lower-case hexadecimal digits");
        assertThat(new ValidationException("vendor", "r").within("").field()).isEqualTo("vendor");
    }

    @Test
    void errorCodesCarryTheirHttpStatus() {
        assertThat(ErrorCode.INVALID_REQUEST.httpStatus()).isEqualTo(400);
        assertThat(ErrorCode.NO_MATCHING_PROFILE.httpStatus()).isEqualTo(422);
        assertThat(ErrorCode.NO_CAPACITY.httpStatus()).isEqualTo(503);
        assertThat(HwpException.notFound("profile", "x").code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(HwpException.conflict("busy").code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(Optional.of(new HwpException(ErrorCode.CONFLICT, "m", new RuntimeException()).getCause()))
                .isPresent();
    }

    @Test
    void rejectedTextIsShownSafely() {
        assertRejected(() -> OsInfo.of("li\u0000nux", null), "family", "li\\u0000nux");
    }
}
