package org.hwpersonality.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** {@link PrometheusParser} for the tests of other packages. */
public final class PrometheusParserAccess {
    private PrometheusParserAccess() {}

    public static Map<String, JsonNode> parse(String scrape, boolean openMetrics) throws Exception {
        return PrometheusParser.parse(scrape, openMetrics);
    }
}
