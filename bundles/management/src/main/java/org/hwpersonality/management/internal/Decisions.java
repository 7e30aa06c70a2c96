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
            LOG.info(String.format(
                    Locale.ROOT,
                    "decision %s: %s vm=%s allocation=%s personality=%s region=%s state=%s derived=%s"
                            + " reused=%s programmedMs=%.1f score=%.4f reasons=%s",
                    what,
                    r.changed() ? "ALLOCATED" : "UNCHANGED",
                    r.allocation().vmId(),
                    r.allocation().id(),
                    r.allocation().personalityId(),
                    r.allocation().regionKey(),
                    r.allocation().state(),
                    r.derived(),
                    !r.reconfiguration().performed(),
                    r.reconfiguration().durationMs(),
                    r.match().score(),
                    r.match().reasons()));
        } finally {
            MDC.remove(ALLOCATION);
        }
    }

    /**
     * Why a candidate was chosen, kept with its allocation (the first audit event's details): the matcher's score
     * and reasons, whether the profile was used as stored or adjusted, the figures expected, and whether the region
     * held the image already.
     */
    static java.util.Map<String, String> explanation(MatchCandidate candidate, boolean reused) {
        java.util.Map<String, String> why = new java.util.LinkedHashMap<>();
        why.put("score", String.format(Locale.ROOT, "%.4f", candidate.score()));
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
