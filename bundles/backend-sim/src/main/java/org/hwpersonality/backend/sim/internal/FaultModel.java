package org.hwpersonality.backend.sim.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Injected faults: with {@code failureProbability} a programming fails once its time has passed (the region keeps
 * what it held: the simulated shell rejects the partial image), with {@code hangProbability} the device stops
 * answering and the programming runs into {@code timeout} (what the region holds is then unknown).
 */
public record FaultModel(double failureProbability, double hangProbability, Duration timeout) {
    public static final FaultModel NONE = new FaultModel(0, 0, Duration.ofSeconds(30));

    /** What happens to one programming. */
    public enum Outcome {
        SUCCESS,
        FAILURE,
        HANG
    }

    public FaultModel {
        if (failureProbability < 0 || hangProbability < 0 || failureProbability + hangProbability > 1) {
            throw new IllegalArgumentException("fault probabilities must lie in [0, 1] and sum to at most 1");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    public Outcome draw(RandomGenerator random) {
        double r = random.nextDouble();
        if (r < failureProbability) {
            return Outcome.FAILURE;
        }
        return r < failureProbability + hangProbability ? Outcome.HANG : Outcome.SUCCESS;
    }
}
