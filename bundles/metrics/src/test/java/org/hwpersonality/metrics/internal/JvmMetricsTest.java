package org.hwpersonality.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.util.Map;
import org.hwpersonality.metrics.HwpMetrics;
import org.hwpersonality.metrics.PrometheusParserAccess;
import org.junit.jupiter.api.Test;

class JvmMetricsTest {
    @Test
    void theJvmIsScrapedUnderHwpNamesAndGoneWhenTheCollectorIs() throws Exception {
        HwpMetrics metrics = HwpMetrics.enabled();
        JvmMetrics jvm = new JvmMetrics();
        metrics.register(jvm);
        StringWriter out = new StringWriter();
        metrics.write(HwpMetrics.contentType(null), out);
        Map<String, JsonNode> f = PrometheusParserAccess.parse(out.toString(), false);
        double heap = f.get("hwp_jvm_memory_bytes_used")
                .get("samples")
                .get(0)
                .get("value")
                .asDouble();
        assertThat(heap)
                .isGreaterThan(1_000_000)
                .isLessThan(Runtime.getRuntime().maxMemory() + 1);
        assertThat(f.get("hwp_jvm_gc_collection_seconds").get("type").asText()).isEqualTo("summary");
        assertThat(f.get("hwp_jvm_threads_current")
                        .get("samples")
                        .get(0)
                        .get("value")
                        .asDouble())
                .isGreaterThanOrEqualTo(1);
        assertThat(f.get("hwp_process_cpu_seconds")
                        .get("samples")
                        .get(0)
                        .get("value")
                        .asDouble())
                .isPositive();
        assertThat(f.keySet()).allMatch(name -> name.startsWith("hwp_"));

        metrics.unregister(jvm);
        out = new StringWriter();
        metrics.write(HwpMetrics.contentType(null), out);
        assertThat(out.toString()).doesNotContain("hwp_jvm_");
    }
}
