package org.hwpersonality.matcher.internal;

import java.util.ArrayList;
import java.util.List;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.request.Requirements;

/**
 * The score of a placement, between 0 and 1, higher is better:
 *
 * <pre>
 * score = 0.40 × goal + 0.30 × reuse + 0.20 × fit + 0.10 × power
 * </pre>
 *
 * <ul>
 *   <li><b>goal</b>: how close the figures are to the stated goals, the mean over stated requirements of
 *       required ÷ delivered throughput, delivered ÷ allowed latency and delivered ÷ allowed power (1 when exactly
 *       at the goal, lower when over-provisioned); 1 when nothing is stated;
 *   <li><b>reuse</b>: 1 when the region already holds the image, so no reprogramming is needed;
 *   <li><b>fit</b>: the largest share of the region's resources the image takes (best fit leaves large regions
 *       for large images);
 *   <li><b>power</b>: 100 W ÷ (100 W + board power).
 * </ul>
 */
final class Scoring {
    static final double GOAL = 0.40;
    static final double REUSE = 0.30;
    static final double FIT = 0.20;
    static final double POWER = 0.10;

    private Scoring() {}

    /** A score and the reasons that make it up. */
    record Scored(double score, List<String> reasons) {}

    static Scored score(PerformanceFigures f, Resources need, Region region, boolean reuse, Requirements r) {
        List<Double> ratios = new ArrayList<>();
        r.minThroughputGops()
                .filter(v -> v > 0)
                .ifPresent(v -> ratios.add(Math.min(1, v / Math.max(f.throughputGops(), 1e-9))));
        r.maxLatencyUs().ifPresent(v -> ratios.add(Math.min(1, f.latencyUs() / v)));
        r.maxPowerWatts().ifPresent(v -> ratios.add(Math.min(1, f.powerWatts() / v)));
        double goal = ratios.isEmpty()
                ? 1
                : ratios.stream().mapToDouble(Double::doubleValue).average().orElse(1);
        double fit = Math.min(1, need.utilizationOf(region.capacity()));
        double power = 100 / (100 + f.powerWatts());
        double score = GOAL * goal + REUSE * (reuse ? 1 : 0) + FIT * fit + POWER * power;
        List<String> reasons = new ArrayList<>();
        reasons.add(String.format(
                "delivers %.1f GOPS, %.1f µs, %.1f W", f.throughputGops(), f.latencyUs(), f.powerWatts()));
        reasons.add(String.format("goal closeness %.2f", goal));
        reasons.add(reuse ? "region already holds the image: no reprogramming" : "region must be programmed");
        reasons.add(String.format("uses %.0f %% of the region", fit * 100));
        return new Scored(score, reasons);
    }
}
