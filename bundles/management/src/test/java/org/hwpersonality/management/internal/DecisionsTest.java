package org.hwpersonality.management.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The decision line's numbers: {@link Decisions#fixed} writes what {@code String.format("%.Nf")} wrote before it. */
class DecisionsTest {
    @Property(tries = 20_000)
    void fixedWritesTheDigitsOfFormat(@ForAll("values") double value, @ForAll("decimals") int decimals) {
        assertThat(Decisions.fixed(value, decimals))
                .isEqualTo(String.format(Locale.ROOT, "%." + decimals + "f", value));
    }

    @Example
    void halfwayCasesAndEdgesToo() {
        double[] values = {
            0.0,
            0.05,
            0.25,
            0.35,
            1.005,
            2.675,
            0.00005,
            0.99995,
            1e-9,
            123456.78915,
            1e12,
            0.5,
            9.95,
            -0.05,
            -2.5,
            Double.MIN_VALUE,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY
        };
        for (double v : values) {
            for (int decimals : new int[] {1, 4}) {
                assertThat(Decisions.fixed(v, decimals))
                        .as("%s with %d decimals", v, decimals)
                        .isEqualTo(String.format(Locale.ROOT, "%." + decimals + "f", v));
            }
        }
    }

    @Provide
    Arbitrary<Double> values() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().between(0, 1).ofScale(6), // scores
                Arbitraries.doubles().between(0, 100_000).ofScale(3), // programming times in ms
                Arbitraries.doubles().between(-1e9, 1e9), // anything else
                Arbitraries.integers().between(0, 100_000).map(i -> i / 20_000.0)); // many exact halves
    }

    @Provide
    Arbitrary<Integer> decimals() {
        return Arbitraries.of(1, 4);
    }
}
