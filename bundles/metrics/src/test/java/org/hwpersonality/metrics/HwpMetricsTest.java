package org.hwpersonality.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HwpMetricsTest {
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private static String scrape(HwpMetrics metrics, String contentType) throws Exception {
        StringWriter out = new StringWriter();
        metrics.write(contentType, out);
        return out.toString();
    }

    private static double sample(JsonNode family, String name, Map<String, String> labels) {
        for (JsonNode s : family.get("samples")) {
            if (!s.get("name").asText().equals(name)) {
                continue;
            }
            boolean all = labels.entrySet().stream()
                    .allMatch(e ->
                            e.getValue().equals(s.get("labels").path(e.getKey()).asText(null)));
            if (all) {
                return s.get("value").asDouble();
            }
        }
        throw new AssertionError("no sample " + name + labels + " in " + family);
    }

    @Test
    void whatIsRecordedIsScrapedInBothFormatsAndTheParsersAcceptThem() throws Exception {
        HwpMetrics metrics = HwpMetrics.enabled();
        metrics.request("/personality-requests", "POST", 201, 3_000_000);
        metrics.request("/personality-requests", "POST", 201, 40_000_000);
        metrics.request("/personality-requests", "POST", 503, 1_000_000);
        metrics.decided("REQUEST", true, false);
        metrics.decided("REQUEST", true, true);
        metrics.decided("REPERSONALIZE", false, false);
        metrics.refused("REQUEST", "NO_CAPACITY");
        metrics.programmed("sim", "loaded", 1_500_000_000L);
        metrics.failed("TIMEOUT");

        for (boolean openMetrics : new boolean[] {false, true}) {
            String type = openMetrics ? OPENMETRICS : HwpMetrics.contentType(null);
            Map<String, JsonNode> f = PrometheusParser.parse(scrape(metrics, type), openMetrics);
            JsonNode requests = f.get("hwp_http_request_seconds");
            assertThat(requests.get("type").asText()).isEqualTo("histogram");
            Map<String, String> created = Map.of("route", "/personality-requests", "method", "POST", "status", "201");
            assertThat(sample(requests, "hwp_http_request_seconds_count", created))
                    .isEqualTo(2);
            assertThat(sample(requests, "hwp_http_request_seconds_sum", created))
                    .isCloseTo(0.043, org.assertj.core.data.Offset.offset(1e-9));
            java.util.HashMap<String, String> bucket = new java.util.HashMap<>(created);
            bucket.put("le", "0.005");
            assertThat(sample(requests, "hwp_http_request_seconds_bucket", bucket))
                    .isEqualTo(1);
            assertThat(sample(
                            requests,
                            "hwp_http_request_seconds_count",
                            Map.of("route", "/personality-requests", "status", "503")))
                    .isEqualTo(1);

            // The text parser keeps a counter's family name with _total; OpenMetrics names the family without it.
            JsonNode matches = f.getOrDefault("hwp_matches_total", f.get("hwp_matches"));
            assertThat(matches.get("type").asText()).isEqualTo("counter");
            assertThat(sample(matches, "hwp_matches_total", Map.of("operation", "request", "result", "exact")))
                    .isEqualTo(1);
            assertThat(sample(matches, "hwp_matches_total", Map.of("operation", "request", "result", "derived")))
                    .isEqualTo(1);
            assertThat(sample(
                            matches, "hwp_matches_total", Map.of("operation", "repersonalize", "result", "unchanged")))
                    .isEqualTo(1);
            JsonNode refusals = f.getOrDefault("hwp_refusals_total", f.get("hwp_refusals"));
            assertThat(sample(refusals, "hwp_refusals_total", Map.of("operation", "request", "reason", "NO_CAPACITY")))
                    .isEqualTo(1);
            JsonNode programming = f.get("hwp_programming_seconds");
            assertThat(sample(
                            programming, "hwp_programming_seconds_count", Map.of("vendor", "sim", "outcome", "loaded")))
                    .isEqualTo(1);
            assertThat(sample(
                            programming,
                            "hwp_programming_seconds_bucket",
                            Map.of("vendor", "sim", "outcome", "loaded", "le", "1.0")))
                    .isEqualTo(0);
            assertThat(sample(
                            programming,
                            "hwp_programming_seconds_bucket",
                            Map.of("vendor", "sim", "outcome", "loaded", "le", "2.0")))
                    .isEqualTo(1);
            JsonNode failures = f.getOrDefault("hwp_failures_total", f.get("hwp_failures"));
            assertThat(sample(failures, "hwp_failures_total", Map.of("kind", "timeout")))
                    .isEqualTo(1);
            assertThat(f.keySet()).allMatch(name -> name.startsWith("hwp_"));
        }
    }

    @Test
    void theContentTypeFollowsTheScrapersAcceptHeader() {
        assertThat(HwpMetrics.contentType("application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5"))
                .startsWith("application/openmetrics-text");
        assertThat(HwpMetrics.contentType("text/plain")).startsWith("text/plain; version=0.0.4");
        assertThat(HwpMetrics.contentType(null)).startsWith("text/plain; version=0.0.4");
    }

    @Test
    void collectorsAreReadAtEachScrapeUntilRemoved() throws Exception {
        HwpMetrics metrics = HwpMetrics.enabled();
        double[] value = {3};
        Collector fleet = new Collector() {
            @Override
            public List<MetricFamilySamples> collect() {
                GaugeMetricFamily g = new GaugeMetricFamily("hwp_regions", "regions", List.of("state"));
                g.addMetric(List.of("FREE"), value[0]);
                return List.of(g);
            }
        };
        metrics.register(fleet);
        assertThat(sample(
                        PrometheusParser.parse(scrape(metrics, OPENMETRICS), true)
                                .get("hwp_regions"),
                        "hwp_regions",
                        Map.of("state", "FREE")))
                .isEqualTo(3);
        value[0] = 5;
        assertThat(sample(
                        PrometheusParser.parse(scrape(metrics, OPENMETRICS), true)
                                .get("hwp_regions"),
                        "hwp_regions",
                        Map.of("state", "FREE")))
                .isEqualTo(5);
        metrics.unregister(fleet);
        assertThat(PrometheusParser.parse(scrape(metrics, OPENMETRICS), true)).doesNotContainKey("hwp_regions");
    }
}
