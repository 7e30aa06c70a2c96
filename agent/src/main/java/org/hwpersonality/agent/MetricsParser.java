package org.hwpersonality.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a metrics command prints: a JSON object ({@code {"throughputGops": 812.5, "latencyUs": 40}}) or
 * Prometheus text exposition ({@code hwp_throughput_gops 812.5}, comments and labels allowed). The standard figures
 * are recognised under their JSON names, in snake case, and with an {@code hwp_} prefix; other finite numbers are
 * kept (at most 64) under their names.
 */
final class MetricsParser {
    static final int MAX_OTHER = 64;
    private static final int MAX_OUTPUT = 1 << 20;
    private static final Pattern LINE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]{0,127})(\\{[^}]{0,1024}\\})?\\s+([-+0-9.eEInfNa]{1,40})(\\s+-?\\d{1,20})?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricsParser() {}

    static Sample parse(String output) {
        if (output.length() > MAX_OUTPUT) {
            throw new IllegalArgumentException("the metrics output is larger than " + MAX_OUTPUT + " characters");
        }
        Map<String, Double> figures = output.trim().startsWith("{") ? json(output) : prometheus(output);
        Double throughput = take(figures, "throughputgops");
        Double latency = take(figures, "latencyus");
        Double power = take(figures, "powerwatts");
        Double utilization = take(figures, "utilization");
        if (utilization != null && (utilization < 0 || utilization > 1)) {
            throw new IllegalArgumentException("utilization must lie in [0, 1] (was " + utilization + ")");
        }
        for (Double v : new Double[] {throughput, latency, power}) {
            if (v != null && v < 0) {
                throw new IllegalArgumentException(
                        "throughput, latency and power must not be negative (was " + v + ")");
            }
        }
        Map<String, Double> other = new LinkedHashMap<>();
        figures.forEach((k, v) -> {
            if (other.size() < MAX_OTHER) {
                other.put(k, v);
            }
        });
        return new Sample(opt(throughput), opt(latency), opt(power), opt(utilization), other);
    }

    private static OptionalDouble opt(Double v) {
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    /** Removes and returns the figure whose normalized name is {@code key}. */
    private static Double take(Map<String, Double> figures, String key) {
        for (Iterator<Map.Entry<String, Double>> it = figures.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Double> e = it.next();
            if (normalized(e.getKey()).equals(key)) {
                it.remove();
                return e.getValue();
            }
        }
        return null;
    }

    private static String normalized(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("hwp_")) {
            n = n.substring(4);
        }
        return n.replace("_", "");
    }

    private static Map<String, Double> json(String output) {
        JsonNode node;
        try {
            node = JSON.readTree(output);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("the metrics output is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("the metrics output could not be read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the metrics output must be a JSON object");
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isNumber()
                    && Double.isFinite(e.getValue().asDouble())
                    && e.getKey().length() <= 128) {
                figures.put(e.getKey(), e.getValue().asDouble());
            }
        });
        return figures;
    }

    private static Map<String, Double> prometheus(String output) {
        Map<String, Double> figures = new LinkedHashMap<>();
        for (String raw : output.split("\n")) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a Prometheus sample line: '" + shorten(line) + "'");
            }
            double v;
            try {
                v = Double.parseDouble(m.group(3));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number: '" + shorten(m.group(3)) + "'");
            }
            if (Double.isFinite(v)) {
                figures.putIfAbsent(m.group(1), v); // the first series of a name counts
            }
        }
        return figures;
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
