package org.hwpersonality.rest.internal;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.metrics.HwpMetrics;

/**
 * {@code GET /metrics}: every metric for Prometheus, in OpenMetrics when the scraper asks for it (Prometheus does),
 * else in the text format 0.0.4. For administrators and Karaf users with the role {@code metrics}; a 404 while
 * metrics are off.
 */
final class MetricsRoute {
    private final HwpMetrics metrics;

    MetricsRoute(HwpMetrics metrics) {
        this.metrics = metrics;
    }

    Route route() {
        return Route.of("GET", "/metrics", Access.METRICS, "metrics for Prometheus", this::send);
    }

    private void send(Exchange x) throws IOException {
        if (!metrics.isEnabled()) {
            throw new HwpException(
                    ErrorCode.NOT_FOUND, "metrics are off (enabled = false in etc/" + HwpMetrics.PID + ".cfg)");
        }
        String type = HwpMetrics.contentType(x.request.getHeader("Accept"));
        x.response.setContentType(type);
        x.response.setHeader("Cache-Control", "no-store");
        try (Writer out = new OutputStreamWriter(x.response.getOutputStream(), StandardCharsets.UTF_8)) {
            metrics.write(type, out);
        }
    }
}
