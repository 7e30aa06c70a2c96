package org.hwpersonality.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scrape parsed by the Prometheus Python client's own parsers ({@code parse-metrics.py}, Debian's
 * python3-prometheus-client): the families by name, or an AssertionError with the parser's complaint.
 */
final class PrometheusParser {
    private PrometheusParser() {}

    static Map<String, JsonNode> parse(String scrape, boolean openMetrics) throws IOException, InterruptedException {
        Path script = Path.of("src/test/resources/parse-metrics.py").toAbsolutePath();
        Process p =
                new ProcessBuilder("/usr/bin/python3", script.toString(), openMetrics ? "openmetrics" : "text").start();
        try (var in = p.getOutputStream()) {
            in.write(scrape.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new AssertionError("the Prometheus parser refused the scrape: " + err + "\n" + scrape);
        }
        Map<String, JsonNode> families = new LinkedHashMap<>();
        for (JsonNode f : new ObjectMapper().readTree(out)) {
            families.put(f.get("name").asText(), f);
        }
        return families;
    }
}
