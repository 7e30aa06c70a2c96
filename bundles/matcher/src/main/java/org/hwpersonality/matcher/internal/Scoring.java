package org.hwpersonality.matcher.internal;

import static org.hwpersonality.api.PerformanceFigures.format;

import java.util.List;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.request.Requirements;

/**
 * The score of a placement, between 0 and 1, higher is better:
 *
 * <pre>
 * score = 0.40 × goal + 0.30 × reuse + 0.20 × fit + 0.10 × power
 * </pre>
 *
 * <ul>
 *   <li><b>goal</b>: how well the figures serve the stated goals, the mean over stated requirements of: for a
 *       throughput floor, required ÷ delivered (1 at the floor, lower when over-provisioned: right-sizing leaves
 *       faster hardware for the requests that need it); for a latency or power ceiling, 1 − ½ × delivered ÷ allowed
 *       (1 at zero, ½ at the ceiling: below a ceiling, lower is better for the VM, and costs the fleet nothing that
 *       fit and power do not already count). So under a 50 µs ceiling a 10 µs profile outranks a 49 µs one at equal
 *       fit and power. 1 when nothing is stated;
 *   <li><b>reuse</b>: 1 when the region already holds the image, so no reprogramming is needed;
 *   <li><b>fit</b>: the largest share of the region's resources the image takes (best fit leaves large regions
 *       for large images);
 *   <li><b>power</b>: 100 W ÷ (100 W + board power).
 * </ul>
 *
 * Reuse outweighs any difference of fit, so a loaded region always wins over an empty one for the same profile.
 */
final class Scoring {
    static final double GOAL = 0.40;
    static final double REUSE = 0.30;
    static final double FIT = 0.20;
    static final double POWER = 0.10;

    private Scoring() {}

    /** The part of the score that depends on the profile alone: goal and power. */
    static double profilePart(PerformanceFigures f, Requirements r) {
        return profilePart(f.throughputGops(), f.latencyUs(), f.powerWatts(), r);
    }

    /** The same from the figures' numbers (the profile walk has them without reading the figures). */
    static double profilePart(double throughput, double latency, double power, Requirements r) {
        return GOAL * goal(throughput, latency, power, r) + POWER * (100 / (100 + power));
    }

    /** The part that depends on the region: reuse and fit. */
    static double regionPart(boolean reuse, double fit) {
        return REUSE * (reuse ? 1 : 0) + FIT * Math.min(1, fit);
    }

    static double goal(PerformanceFigures f, Requirements r) {
        return goal(f.throughputGops(), f.latencyUs(), f.powerWatts(), r);
    }

    static double goal(double throughput, double latency, double power, Requirements r) {
        double sum = 0;
        int n = 0;
        if (r.minThroughputGops().isPresent() && r.minThroughputGops().get() > 0) {
            sum += Math.min(1, r.minThroughputGops().get() / Math.max(throughput, 1e-9));
            n++;
        }
        if (r.maxLatencyUs().isPresent()) {
            sum += headroom(latency, r.maxLatencyUs().get());
            n++;
        }
        if (r.maxPowerWatts().isPresent()) {
            sum += headroom(power, r.maxPowerWatts().get());
            n++;
        }
        return n == 0 ? 1 : sum / n;
    }

    /** Below a ceiling, the lower the better: 1 at zero, ½ at the ceiling (and beyond, which does not meet it). */
    private static double headroom(double delivered, double ceiling) {
        return 1 - 0.5 * Math.min(1, delivered / Math.max(ceiling, 1e-9));
    }

    /**
     * Why a placement scored as it did, for the answer (built only for the candidates returned). {@code learnedFrom}:
     * the reports its figures were learned from (0: the profile's promise), which the first reason names.
     */
    static List<String> reasons(
            PerformanceFigures f, int learnedFrom, Resources need, Resources capacity, boolean reuse, Requirements r) {
        return List.of(
                "delivers " + format(f.throughputGops()) + " GOPS, " + format(f.latencyUs()) + " µs, "
                        + format(f.powerWatts()) + " W "
                        + (learnedFrom == 0
                                ? "(promised)"
                                : "(learned from " + learnedFrom + " reports: 10th percentile of throughput, 90th of"
                                        + " latency and power)"),
                "goal " + format(goal(f, r)),
                reuse ? "region already holds the image: no reprogramming" : "region must be programmed",
                "uses " + Math.round(Math.min(1, need.utilizationOf(capacity)) * 100) + " % of the region");
    }
}
