package org.hwpersonality.management.internal;

import java.util.Locale;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.allocation.AllocationResult;
import org.hwpersonality.api.allocation.MatchCandidate;
import org.hwpersonality.metrics.HwpMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One log line and one count ({@link HwpMetrics}) per decision on a request or a re-personalization: what was decided, for which VM, which allocation,
 * personality and region, and why. The VM's and the allocation's IDs are also in the log context (MDC keys {@value
 * #VM} and {@value #ALLOCATION}), which the distribution's log pattern shows on every line, so the lines of one
 * allocation can be found together.
 */
final class Decisions {
    static final String VM = "hwp.vm";
    static final String ALLOCATION = "hwp.allocation";
    /** The reasons kept with an allocation, at most (an event's detail holds 4,096 characters). */
    private static final int MAX_REASONS = 3_000;

    private static final Logger LOG = LoggerFactory.getLogger(Decisions.class);

    private final HwpMetrics metrics;

    Decisions(HwpMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Runs {@code work} (a request or a re-personalization) with the VM's ID in the log context, so that every line
     * logged on its thread meanwhile (programming, attaching, failures) names the VM.
     */
    static <T> T forVm(String vmId, java.util.function.Supplier<T> work) {
        String outer = MDC.get(VM);
        MDC.put(VM, vmId);
        try {
            return work.get();
        } finally {
            if (outer == null) {
                MDC.remove(VM);
            } else {
                MDC.put(VM, outer);
            }
        }
    }

    /** {@code what}: REQUEST or REPERSONALIZE. */
    void decided(String what, AllocationResult r) {
        metrics.decided(what, r.changed(), r.derived());
        MDC.put(ALLOCATION, r.allocation().id());
        try {
            if (LOG.isInfoEnabled()) {
                // Built by hand: java.util.Formatter's %.4f cost more than the rest of the line (a JFR profile under
                // load); fixed() gives the same digits.
                LOG.info(new StringBuilder(256)
                        .append("decision ")
                        .append(what)
                        .append(": ")
                        .append(r.changed() ? "ALLOCATED" : "UNCHANGED")
                        .append(" vm=")
                        .append(r.allocation().vmId())
                        .append(" allocation=")
                        .append(r.allocation().id())
                        .append(" personality=")
                        .append(r.allocation().personalityId())
                        .append(" region=")
                        .append(r.allocation().regionKey())
                        .append(" state=")
                        .append(r.allocation().state())
                        .append(" derived=")
                        .append(r.derived())
                        .append(" reused=")
                        .append(!r.reconfiguration().performed())
                        .append(" programmedMs=")
                        .append(fixed(r.reconfiguration().durationMs(), 1))
                        .append(" score=")
                        .append(fixed(r.match().score(), 4))
                        .append(" reasons=")
                        .append(r.match().reasons())
                        .toString());
            }
        } finally {
            MDC.remove(ALLOCATION);
        }
    }

    /** {@code value} with {@code decimals} digits after the point, rounded half up: as {@code %.Nf} in Locale.ROOT. */
    static String fixed(double value, int decimals) {
        if (!Double.isFinite(value)) {
            return String.format(Locale.ROOT, "%." + decimals + "f", value);
        }
        String digits = java.math.BigDecimal.valueOf(value)
                .setScale(decimals, java.math.RoundingMode.HALF_UP)
                .toPlainString();
        // A negative value that rounds to zero keeps its sign ("-0.0"), as with the formatter.
        return Math.copySign(1.0, value) < 0 && digits.charAt(0) != '-' ? "-" + digits : digits;
    }

    /**
     * Why a candidate was chosen, kept with its allocation (the first audit event's details): the matcher's score
     * and reasons, whether the profile was used as stored or adjusted, the figures expected, and whether the region
     * held the image already.
     */
    static java.util.Map<String, String> explanation(MatchCandidate candidate, boolean reused) {
        java.util.Map<String, String> why = new java.util.LinkedHashMap<>();
        why.put("score", fixed(candidate.score(), 4));
        why.put("match", candidate.exact() ? "exact" : "derived");
        why.put("reused", Boolean.toString(reused));
        PerformanceFigures f = candidate.expected();
        why.put(
                "expected",
                PerformanceFigures.format(f.throughputGops()) + " Gops, "
                        + PerformanceFigures.format(f.latencyUs()) + " µs, "
                        + PerformanceFigures.format(f.powerWatts()) + " W");
        String reasons = String.join("; ", candidate.reasons());
        why.put("reasons", reasons.length() > MAX_REASONS ? reasons.substring(0, MAX_REASONS) + "…" : reasons);
        return why;
    }

    /** A request refused: the VM, the error code and the reason. */
    void refused(String what, String vmId, HwpException e) {
        metrics.refused(what, e.code().name());
        LOG.info("decision {}: REFUSED vm={} code={}: {}", what, vmId, e.code(), e.getMessage());
    }
}
