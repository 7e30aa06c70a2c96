package org.hwpersonality.matcher.internal;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.profile.Lineage;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.Tunable;
import org.hwpersonality.api.profile.TunableEffect;
import org.hwpersonality.api.request.Requirements;

/**
 * The search of a profile's tunables for the cheapest variant that meets the requirements: every combination of
 * tunable values (the grids are bounded, and so is their product, {@value #MAX_VARIANTS}), figures and resources
 * moved by each tunable's power laws; only variants whose resources {@code fits} are kept (a variant no region can
 * take helps nobody); cheapest means least power, then fewest LUTs, then the values in order.
 */
final class Adjustment {
    static final int MAX_VARIANTS = 100_000;

    /** A variant: its tunable values, what it delivers, what it needs. */
    record Variant(Map<String, Double> values, PerformanceFigures figures, Resources resources) {}

    private Adjustment() {}

    /**
     * The best figures the combinations of a profile's tunables reach, each on its own, from {@code nominal}: no
     * variant beats them. {@link #NONE} for a profile whose tunables are not searched (none, or more than {@value
     * #MAX_VARIANTS} combinations).
     */
    record Reach(double throughput, double latency, double power) {
        static final Reach NONE = new Reach(Double.NaN, Double.NaN, Double.NaN);

        /** False when no variant can meet the limits ({@link #cheapest} then finds none); NaN meets nothing. */
        boolean mayMeet(Limits limits, long memory) {
            return limits.met(throughput, latency, power, memory);
        }
    }

    /** What {@link #cheapest} could reach for {@code p} from {@code nominal} at best. */
    static Reach reach(PersonalityProfile p, PerformanceFigures nominal) {
        List<Tunable> tunables = p.applicableTunables();
        if (tunables.isEmpty() || combinations(tunables) > MAX_VARIANTS) {
            return Reach.NONE;
        }
        return new Factors(tunables).reach(nominal);
    }

    private static long combinations(List<Tunable> tunables) {
        long combinations = 1;
        for (Tunable t : tunables) {
            combinations = Math.min((long) MAX_VARIANTS + 1, combinations * t.valueCount());
        }
        return combinations;
    }

    static Optional<Variant> cheapest(
            PersonalityProfile p,
            PerformanceFigures nominal,
            Requirements requirements,
            java.util.function.Predicate<Resources> fits) {
        List<Tunable> tunables = p.applicableTunables();
        if (tunables.isEmpty()) {
            return Optional.empty();
        }
        long combinations = combinations(tunables);
        if (combinations > MAX_VARIANTS) {
            return Optional.empty();
        }
        Limits limits = Limits.of(requirements);
        Factors factors = new Factors(tunables);
        Resources nominalResources = p.fabric().resources();
        long memory = nominalResources.memoryMb(); // scaling leaves memory as it is
        if (!factors.reach(nominal).mayMeet(limits, memory)) {
            return Optional.empty();
        }
        int[] index = new int[tunables.size()];
        int[] bestIndex = null;
        PerformanceFigures bestFigures = null;
        Resources bestResources = null;
        for (long n = 0; n < combinations; n++) {
            // The figures as TunableEffect.apply moves them, tunable after tunable, from numbers worked out once.
            double throughput = nominal.throughputGops();
            double latency = nominal.latencyUs();
            double power = nominal.powerWatts();
            double resourceFactor = 1;
            for (int i = 0; i < index.length; i++) {
                throughput *= factors.throughput[i][index[i]];
                latency *= factors.latency[i][index[i]];
                power *= factors.power[i][index[i]];
                resourceFactor *= factors.resources[i][index[i]];
            }
            if (limits.met(throughput, latency, power, memory)) {
                Resources resources = nominalResources.scaled(resourceFactor);
                PerformanceFigures figures = new PerformanceFigures(throughput, latency, power);
                if (fits.test(resources)
                        && (bestIndex == null || cheaper(figures, resources, bestFigures, bestResources))) {
                    bestIndex = index.clone();
                    bestFigures = figures;
                    bestResources = resources;
                }
            }
            for (int i = index.length - 1; i >= 0 && ++index[i] == factors.count[i]; i--) {
                index[i] = 0;
            }
        }
        if (bestIndex == null) {
            return Optional.empty();
        }
        // The values only for the one returned: building them for every combination was most of the search's time.
        Map<String, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < tunables.size(); i++) {
            values.put(tunables.get(i).name(), tunables.get(i).value(bestIndex[i]));
        }
        return Optional.of(new Variant(values, bestFigures, bestResources));
    }

    /**
     * Each tunable's power-law factors for each value of its grid ({@link TunableEffect}), worked out once per
     * search instead of once per combination: the search visits up to {@value #MAX_VARIANTS} combinations.
     */
    private static final class Factors {
        final int[] count;
        final double[][] throughput;
        final double[][] latency;
        final double[][] power;
        final double[][] resources;

        Factors(List<Tunable> tunables) {
            int n = tunables.size();
            count = new int[n];
            throughput = new double[n][];
            latency = new double[n][];
            power = new double[n][];
            resources = new double[n][];
            for (int i = 0; i < n; i++) {
                Tunable t = tunables.get(i);
                TunableEffect e = t.effect();
                count[i] = t.valueCount();
                throughput[i] = new double[count[i]];
                latency[i] = new double[count[i]];
                power[i] = new double[count[i]];
                resources[i] = new double[count[i]];
                for (int v = 0; v < count[i]; v++) {
                    double ratio = t.value(v) / t.nominal();
                    throughput[i][v] = Math.pow(ratio, e.throughputExponent());
                    latency[i][v] = Math.pow(ratio, e.latencyExponent());
                    power[i][v] = Math.pow(ratio, e.powerExponent());
                    resources[i][v] = e.resourceFactor(ratio);
                }
            }
        }

        /**
         * The highest throughput, lowest latency and lowest power any combination reaches, each on its own. The
         * bounds are multiplied in the order the search multiplies, so rounding cannot make a combination pass that
         * a bound fails.
         */
        Reach reach(PerformanceFigures nominal) {
            double throughput = nominal.throughputGops();
            double latency = nominal.latencyUs();
            double power = nominal.powerWatts();
            for (int i = 0; i < count.length; i++) {
                throughput *= Arrays.stream(this.throughput[i]).max().orElse(1);
                latency *= Arrays.stream(this.latency[i]).min().orElse(1);
                power *= Arrays.stream(this.power[i]).min().orElse(1);
            }
            return new Reach(throughput, latency, power);
        }
    }

    private static boolean cheaper(
            PerformanceFigures figures, Resources resources, PerformanceFigures thanFigures, Resources thanResources) {
        if (figures.powerWatts() != thanFigures.powerWatts()) {
            return figures.powerWatts() < thanFigures.powerWatts();
        }
        return resources.luts() < thanResources.luts();
    }

    static Lineage lineage(PersonalityProfile parent, Variant v, Requirements requirements) {
        return new Lineage(parent.personalityId(), v.values(), "adjusted to meet " + describe(requirements));
    }

    static String describe(Requirements r) {
        StringBuilder s = new StringBuilder();
        r.minThroughputGops().ifPresent(v -> s.append("throughput ≥ ").append(v).append(" GOPS, "));
        r.maxLatencyUs().ifPresent(v -> s.append("latency ≤ ").append(v).append(" µs, "));
        r.maxPowerWatts().ifPresent(v -> s.append("power ≤ ").append(v).append(" W, "));
        r.minMemoryMb().ifPresent(v -> s.append("memory ≥ ").append(v).append(" MiB, "));
        return s.length() == 0 ? "the request" : s.substring(0, s.length() - 2);
    }
}
