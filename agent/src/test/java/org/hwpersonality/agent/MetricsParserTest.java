package org.hwpersonality.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class MetricsParserTest {
    @Test
    void readsJson() {
        Sample s = MetricsParser.parse(
                "{\"throughputGops\": 812.5, \"latencyUs\": 40, \"queueDepth\": 7, \"name\": \"x\"}");
        assertThat(s.throughputGops()).isEqualTo(OptionalDouble.of(812.5));
        assertThat(s.latencyUs()).isEqualTo(OptionalDouble.of(40));
        assertThat(s.powerWatts()).isEmpty();
        assertThat(s.other()).containsOnlyKeys("queueDepth");
        assertThat(s.ratioTo(OptionalDouble.of(1000), OptionalDouble.empty())).hasValue(0.8125);
    }

    @Test
    void readsPrometheusText() {
        Sample s = MetricsParser.parse("""
                # HELP hwp_throughput_gops Measured throughput
                # TYPE hwp_throughput_gops gauge
                hwp_throughput_gops{card="0"} 120.5 1700000000000
                hwp_latency_us 80
                hwp_power_watts 61.2
                hwp_utilization 0.75
                kernel_queue_depth 3
                """);
        assertThat(s.throughputGops()).hasValue(120.5);
        assertThat(s.latencyUs()).hasValue(80);
        assertThat(s.powerWatts()).hasValue(61.2);
        assertThat(s.utilization()).hasValue(0.75);
        assertThat(s.other()).containsEntry("kernel_queue_depth", 3.0);
        assertThat(s.ratioTo(OptionalDouble.empty(), OptionalDouble.of(40)))
                .as("latency: promised ÷ measured")
                .hasValue(0.5);
    }

    @Test
    void refusesWhatIsNotMetrics() {
        assertThatThrownBy(() -> MetricsParser.parse("{\"throughputGops\": ")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> MetricsParser.parse("[1,2]")).hasMessageContaining("Prometheus");
        assertThatThrownBy(() -> MetricsParser.parse("throughput = fast")).hasMessageContaining("Prometheus");
        assertThatThrownBy(() -> MetricsParser.parse("{\"utilization\": 3}")).hasMessageContaining("utilization");
        assertThatThrownBy(() -> MetricsParser.parse("{\"throughputGops\": -1}"))
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> MetricsParser.parse("x 1\n".repeat(300_000))).hasMessageContaining("larger");
    }
}
