package org.hwpersonality.api.profile;

import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/**
 * A parameter that adjustment may change, such as the kernel clock in MHz or the number of compute units:
 * values from {@code min} to {@code max} in steps of {@code step}, the profile's own value {@code nominal},
 * and how the figures move with it ({@link TunableEffect}).
 */
public record Tunable(String name, double min, double max, double step, double nominal, TunableEffect effect) {
    /** Adjustment searches every value, so the grid is bounded. */
    public static final int MAX_STEPS = 10_000;

    public Tunable {
        Checks.id("name", name);
        Checks.positive("min", min);
        Checks.finite("max", max);
        Checks.positive("step", step);
        Checks.finite("nominal", nominal);
        if (max < min) {
            throw new ValidationException("max", "must be at least min " + min + " (was " + max + ")");
        }
        if (nominal < min || nominal > max) {
            throw new ValidationException(
                    "nominal", "must lie between min " + min + " and max " + max + " (was " + nominal + ")");
        }
        if ((max - min) / step > MAX_STEPS) {
            throw new ValidationException("step", "gives more than " + MAX_STEPS + " values between min and max");
        }
        Checks.notNull("effect", effect);
    }

    /** Number of values on the grid. */
    public int valueCount() {
        return (int) Math.floor((max - min) / step + 1e-9) + 1;
    }

    /** The i-th value of the grid, {@code 0 <= i < valueCount()}. */
    public double value(int i) {
        if (i < 0 || i >= valueCount()) {
            throw new IndexOutOfBoundsException(i);
        }
        return Math.min(max, min + i * step);
    }
}
