package org.hwpersonality.management.internal;

import java.util.Locale;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.allocation.AllocationResult;
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

    /** A request refused: the VM, the error code and the reason. */
    void refused(String what, String vmId, HwpException e) {
        metrics.refused(what, e.code().name());
        LOG.info("decision {}: REFUSED vm={} code={}: {}", what, vmId, e.code(), e.getMessage());
    }
}
