package org.hwpersonality.api.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.hwpersonality.api.Rejections.assertRejected;

import org.hwpersonality.api.PerformanceFigures;
import org.junit.jupiter.api.Test;

class TunableTest {
    private static final TunableEffect CLOCK = new TunableEffect(1, -1, 1, 0);

    @Test
    void gridFromMinToMax() {
        Tunable clock = new Tunable("kernelClockMhz", 100, 400, 25, 300, CLOCK);
        assertThat(clock.valueCount()).isEqualTo(13);
        assertThat(clock.value(0)).isEqualTo(100);
        assertThat(clock.value(12)).isEqualTo(400);
        assertThatThrownBy(() -> clock.value(13)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(new Tunable("cu", 1, 1, 1, 1, CLOCK).valueCount()).isEqualTo(1);
    }

    @Test
    void rangeRules() {
        assertRejected(() -> new Tunable("t", 0, 10, 1, 5, CLOCK), "min", "greater than zero");
        assertRejected(() -> new Tunable("t", 10, 5, 1, 5, CLOCK), "max", "at least min");
        assertRejected(() -> new Tunable("t", 1, 10, 0, 5, CLOCK), "step", "greater than zero");
        assertRejected(() -> new Tunable("t", 1, 10, 1, 11, CLOCK), "nominal", "between min 1.0 and max 10.0");
        assertRejected(() -> new Tunable("t", 1, 1e9, 1, 5, CLOCK), "step", "more than 10000 values");
        assertRejected(() -> new Tunable("t", 1, Double.NaN, 1, 5, CLOCK), "max", "finite");
        assertRejected(() -> new Tunable("t", 1, 10, 1, 5, null), "effect", "is required");
    }

    @Test
    void effectsArePowerLaws() {
        PerformanceFigures nominal = new PerformanceFigures(100, 40, 60);
        PerformanceFigures faster = CLOCK.apply(nominal, 1.25);
        assertThat(faster.throughputGops()).isCloseTo(125, within(1e-9));
        assertThat(faster.latencyUs()).isCloseTo(32, within(1e-9));
        assertThat(faster.powerWatts()).isCloseTo(75, within(1e-9));
        assertThat(new TunableEffect(1, 0, 1, 1).resourceFactor(2)).isEqualTo(2);
        assertRejected(() -> new TunableEffect(5, 0, 0, 0), "throughputExponent", "[-4, 4]");
        assertRejected(() -> new TunableEffect(0, Double.NaN, 0, 0), "latencyExponent", "finite");
        assertRejected(() -> new TunableEffect(0, 0, -4.5, 0), "powerExponent", "[-4, 4]");
        assertRejected(() -> new TunableEffect(0, 0, 0, 9), "resourceExponent", "[-4, 4]");
        assertRejected(() -> CLOCK.apply(nominal, 0), "ratio", "greater than zero");
    }
}
