package org.hwpersonality.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;

/**
 * When to ask for re-personalization, so the agent never flaps:
 *
 * <ul>
 *   <li><b>threshold</b>: a sample is low when its performance ratio (measured ÷ promised) is below it;
 *   <li><b>hysteresis</b>: only {@code samples} low samples in a row trigger; the count starts again only once a
 *       sample reaches {@code threshold + band} (samples in the band neither count nor clear);
 *   <li><b>cool-down</b>: after a re-personalization (or an answer to keep the current one) nothing is asked for
 *       {@code cooldown};
 *   <li><b>backoff</b>: after a failed call the next try waits {@code base × 2^(failures-1)}, at most {@code max}.
 * </ul>
 */
final class Decider {
    /** What to do with one sample. */
    enum Decision {
        /** The metrics hold no figure the personality's promise can be compared with. */
        NO_FIGURE,
        /** Performance is as promised (or in the band). */
        OK,
        /** Low, but not yet {@code samples} times in a row. */
        LOW,
        /** Low enough to trigger, but a re-personalization happened less than the cool-down ago. */
        COOLING_DOWN,
        /** Low enough to trigger, but the last call failed and its backoff has not passed. */
        BACKING_OFF,
        /** Ask for re-personalization now. */
        REPERSONALIZE
    }

    private final double threshold;
    private final double band;
    private final int samples;
    private final Duration cooldown;
    private final Duration backoffBase;
    private final Duration backoffMax;

    private int lowInARow;
    private Instant quietUntil = Instant.MIN;
    private Instant retryAt = Instant.MIN;
    private int failures;

    Decider(double threshold, double band, int samples, Duration cooldown, Duration backoffBase, Duration backoffMax) {
        if (!(threshold > 0 && threshold <= 10)) {
            throw new IllegalArgumentException("--threshold must lie in (0, 10] (was " + threshold + ")");
        }
        if (!(band >= 0 && band < 10)) {
            throw new IllegalArgumentException("--band must lie in [0, 10) (was " + band + ")");
        }
        if (samples < 1 || samples > 1000) {
            throw new IllegalArgumentException("--hysteresis must lie between 1 and 1000 (was " + samples + ")");
        }
        this.threshold = threshold;
        this.band = band;
        this.samples = samples;
        this.cooldown = cooldown;
        this.backoffBase = backoffBase;
        this.backoffMax = backoffMax;
    }

    Decision onSample(Instant now, OptionalDouble ratio) {
        if (ratio.isEmpty()) {
            return Decision.NO_FIGURE;
        }
        double r = ratio.getAsDouble();
        if (r >= threshold + band) {
            lowInARow = 0;
            return Decision.OK;
        }
        if (r >= threshold) {
            return Decision.OK;
        }
        lowInARow = Math.min(lowInARow + 1, samples);
        if (lowInARow < samples) {
            return Decision.LOW;
        }
        if (now.isBefore(quietUntil)) {
            return Decision.COOLING_DOWN;
        }
        if (now.isBefore(retryAt)) {
            return Decision.BACKING_OFF;
        }
        return Decision.REPERSONALIZE;
    }

    /** The service answered (a new personality, or keep the current one): cool down and count afresh. */
    void onAnswered(Instant now) {
        failures = 0;
        retryAt = Instant.MIN;
        lowInARow = 0;
        quietUntil = now.plus(cooldown);
    }

    /** A call failed: returns how long to wait before the next one. */
    Duration onFailure(Instant now) {
        failures++;
        Duration wait = backoff(failures);
        retryAt = now.plus(wait);
        return wait;
    }

    /** {@code base × 2^(n-1)}, at most {@code max}. */
    Duration backoff(int failures) {
        int shift = Math.min(Math.max(failures - 1, 0), 30);
        long millis = backoffBase.toMillis() << shift;
        return millis <= 0 || millis > backoffMax.toMillis() ? backoffMax : Duration.ofMillis(millis);
    }

    int lowInARow() {
        return lowInARow;
    }

    int samplesToTrigger() {
        return samples;
    }

    double threshold() {
        return threshold;
    }
}
