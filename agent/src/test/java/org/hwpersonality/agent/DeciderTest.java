package org.hwpersonality.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;
import org.hwpersonality.agent.Decider.Decision;
import org.junit.jupiter.api.Test;

class DeciderTest {
    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    private final Decider decider =
            new Decider(0.8, 0.05, 3, Duration.ofMinutes(2), Duration.ofSeconds(1), Duration.ofSeconds(60));

    private Decision at(long seconds, double ratio) {
        return decider.onSample(T0.plusSeconds(seconds), OptionalDouble.of(ratio));
    }

    @Test
    void onlyConsecutiveLowSamplesTrigger() {
        assertThat(at(0, 0.5)).isEqualTo(Decision.LOW);
        assertThat(at(10, 0.5)).isEqualTo(Decision.LOW);
        assertThat(at(20, 0.9)).as("a good sample clears the count").isEqualTo(Decision.OK);
        assertThat(at(30, 0.5)).isEqualTo(Decision.LOW);
        assertThat(at(40, 0.5)).isEqualTo(Decision.LOW);
        assertThat(at(50, 0.5)).isEqualTo(Decision.REPERSONALIZE);
    }

    @Test
    void samplesInTheBandNeitherCountNorClear() {
        assertThat(at(0, 0.7)).isEqualTo(Decision.LOW);
        assertThat(at(10, 0.7)).isEqualTo(Decision.LOW);
        assertThat(at(20, 0.82)).as("above the threshold, inside the band").isEqualTo(Decision.OK);
        assertThat(decider.lowInARow()).isEqualTo(2);
        assertThat(at(30, 0.7)).as("the count went on").isEqualTo(Decision.REPERSONALIZE);
        assertThat(at(40, 0.86)).isEqualTo(Decision.OK);
        assertThat(decider.lowInARow()).isZero();
    }

    @Test
    void noRequestWithinTheCooldownOfAnAnswer() {
        at(0, 0.5);
        at(10, 0.5);
        assertThat(at(20, 0.5)).isEqualTo(Decision.REPERSONALIZE);
        decider.onAnswered(T0.plusSeconds(20));
        at(30, 0.5);
        at(40, 0.5);
        assertThat(at(50, 0.5)).isEqualTo(Decision.COOLING_DOWN);
        assertThat(at(139, 0.5)).isEqualTo(Decision.COOLING_DOWN);
        assertThat(at(140, 0.5)).as("two minutes after the answer").isEqualTo(Decision.REPERSONALIZE);
    }

    @Test
    void failuresBackOffExponentiallyUpToTheMaximum() {
        assertThat(decider.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(decider.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(decider.backoff(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(decider.backoff(7)).isEqualTo(Duration.ofSeconds(60));
        assertThat(decider.backoff(500)).isEqualTo(Duration.ofSeconds(60));

        at(0, 0.5);
        at(1, 0.5);
        assertThat(at(2, 0.5)).isEqualTo(Decision.REPERSONALIZE);
        assertThat(decider.onFailure(T0.plusSeconds(2))).isEqualTo(Duration.ofSeconds(1));
        assertThat(decider.onFailure(T0.plusSeconds(3))).isEqualTo(Duration.ofSeconds(2));
        assertThat(at(4, 0.5)).isEqualTo(Decision.BACKING_OFF);
        assertThat(at(5, 0.5)).isEqualTo(Decision.REPERSONALIZE);
        decider.onAnswered(T0.plusSeconds(5));
        assertThat(decider.onFailure(T0.plusSeconds(300)))
                .as("an answer resets the failures")
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aSampleWithoutAComparableFigureDecidesNothing() {
        assertThat(decider.onSample(T0, OptionalDouble.empty())).isEqualTo(Decision.NO_FIGURE);
        assertThat(decider.lowInARow()).isZero();
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new Decider(0, 0, 3, Duration.ZERO, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("--threshold");
        assertThatThrownBy(() -> new Decider(0.8, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("--hysteresis");
        assertThat(AgentMain.duration("--interval", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(AgentMain.duration("--interval", "PT10S")).isEqualTo(Duration.ofSeconds(10));
        assertThat(AgentMain.duration("--interval", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> AgentMain.duration("--interval", "soon")).hasMessageContaining("--interval");
    }
}
