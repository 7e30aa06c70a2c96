package org.hwpersonality.agent;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/** One reading of the metrics command: the standard figures when present, and any other named figures. */
record Sample(
        OptionalDouble throughputGops,
        OptionalDouble latencyUs,
        OptionalDouble powerWatts,
        OptionalDouble utilization,
        Map<String, Double> other) {
    Sample {
        other = Map.copyOf(other);
    }

    /**
     * How the sample compares with what the personality promises: measured ÷ expected throughput, else expected ÷
     * measured latency (1 = as promised, below 1 = worse); empty when neither figure can be compared.
     */
    OptionalDouble ratioTo(OptionalDouble expectedThroughput, OptionalDouble expectedLatency) {
        if (throughputGops.isPresent() && expectedThroughput.isPresent() && expectedThroughput.getAsDouble() > 0) {
            return OptionalDouble.of(throughputGops.getAsDouble() / expectedThroughput.getAsDouble());
        }
        if (latencyUs.isPresent() && expectedLatency.isPresent() && latencyUs.getAsDouble() > 0) {
            return OptionalDouble.of(expectedLatency.getAsDouble() / latencyUs.getAsDouble());
        }
        return OptionalDouble.empty();
    }

    /** The metrics object of a re-personalization request. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        throughputGops.ifPresent(v -> m.put("throughputGops", v));
        latencyUs.ifPresent(v -> m.put("latencyUs", v));
        powerWatts.ifPresent(v -> m.put("powerWatts", v));
        utilization.ifPresent(v -> m.put("utilization", v));
        m.put("other", other);
        return m;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        throughputGops.ifPresent(v -> s.append("throughput=").append(v).append(" GOPS "));
        latencyUs.ifPresent(v -> s.append("latency=").append(v).append(" µs "));
        powerWatts.ifPresent(v -> s.append("power=").append(v).append(" W "));
        utilization.ifPresent(v -> s.append("utilization=").append(v).append(' '));
        if (!other.isEmpty()) {
            s.append("other=").append(other.keySet());
        }
        return s.toString().trim();
    }
}
