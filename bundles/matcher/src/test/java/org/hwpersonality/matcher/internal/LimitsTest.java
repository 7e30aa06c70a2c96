package org.hwpersonality.matcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Random;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.request.Requirements;
import org.junit.jupiter.api.Test;

class LimitsTest {
    @Test
    void agreesWithTheRequirementsOnEveryCombination() {
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            Requirements r = new Requirements(
                    maybe(random, 1 + random.nextInt(100) * 1.0),
                    maybe(random, 1 + random.nextInt(100) * 1.0),
                    maybe(random, 1 + random.nextInt(100) * 1.0),
                    random.nextBoolean() ? Optional.of((long) 1 + random.nextInt(100)) : Optional.empty());
            PerformanceFigures f =
                    new PerformanceFigures(1 + random.nextInt(100), 1 + random.nextInt(100), 1 + random.nextInt(100));
            long memory = random.nextInt(101);
            assertThat(Limits.of(r).met(f, memory))
                    .as("%s with %s, %d MiB", r, f, memory)
                    .isEqualTo(r.isMetBy(f, memory));
        }
    }

    @Test
    void noRequirementsAreAlwaysMet() {
        assertThat(Limits.of(Requirements.NONE).met(new PerformanceFigures(1e-3, 1e9, 1e9), 0))
                .isTrue();
    }

    private static Optional<Double> maybe(Random random, double value) {
        return random.nextBoolean() ? Optional.of(value) : Optional.empty();
    }
}
