package org.hwpersonality.api.outcome;

import static org.hwpersonality.api.PerformanceFigures.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.PerformanceFigures;

/**
 * The one rule for "falls short of the promise at a ratio": throughput below ratio × promised, latency or power above
 * promised ÷ ratio (the same ratio of performance, as the VM agent computes it). Used for a VM's report against its
 * threshold, and for learned medians against the flag ratio.
 */
public final class Shortfall {
    private Shortfall() {}

    /**
     * Which of the figures fall short, each with its comparison ({@code measured throughput 30.0 Gops < 0.8 ×
     * promised 50.0 Gops}); empty when none does (a figure not measured never does).
     */
    public static Optional<String> of(
            String what,
            Optional<Double> throughput,
            Optional<Double> latency,
            Optional<Double> power,
            PerformanceFigures promised,
            double ratio) {
        List<String> out = new ArrayList<>(3);
        throughput
                .filter(t -> t < ratio * promised.throughputGops())
                .ifPresent(t -> out.add(what + " throughput " + format(t) + " Gops < " + format(ratio) + " × promised "
                        + format(promised.throughputGops()) + " Gops"));
        latency.filter(l -> l * ratio > promised.latencyUs())
                .ifPresent(l -> out.add(what + " latency " + format(l) + " µs > promised "
                        + format(promised.latencyUs()) + " µs ÷ " + format(ratio)));
        power.filter(p -> p * ratio > promised.powerWatts())
                .ifPresent(p -> out.add(what + " power " + format(p) + " W > promised " + format(promised.powerWatts())
                        + " W ÷ " + format(ratio)));
        return out.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", out));
    }

    /** The comparison that held, for an answer: {@code measured throughput 45.0 Gops ≥ 0.8 × promised 50.0 Gops}. */
    public static String met(
            String what,
            Optional<Double> throughput,
            Optional<Double> latency,
            Optional<Double> power,
            PerformanceFigures promised,
            double ratio) {
        List<String> out = new ArrayList<>(3);
        throughput.ifPresent(t -> out.add(what + " throughput " + format(t) + " Gops ≥ " + format(ratio)
                + " × promised " + format(promised.throughputGops()) + " Gops"));
        latency.ifPresent(l -> out.add(what + " latency " + format(l) + " µs ≤ promised " + format(promised.latencyUs())
                + " µs ÷ " + format(ratio)));
        power.ifPresent(p -> out.add(what + " power " + format(p) + " W ≤ promised " + format(promised.powerWatts())
                + " W ÷ " + format(ratio)));
        return out.isEmpty() ? "no standard figure was measured" : String.join("; ", out);
    }
}
