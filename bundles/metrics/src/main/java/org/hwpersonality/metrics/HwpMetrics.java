package org.hwpersonality.metrics;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import org.hwpersonality.api.Settings;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * HWP's metrics: the one place that names them (every name begins {@code hwp_}), records what the API, the matcher and
 * the programming path report, and writes them all in the Prometheus text format or OpenMetrics. The fleet's state,
 * the database pool and the JVM are read at each scrape by collectors: services of type {@link Collector} with the
 * property {@value #COLLECTOR} (a whiteboard), taken up and dropped as they come and go. When {@code enabled} is
 * false nothing is recorded (each call returns at once) and nothing is served, so nothing is collected either.
 */
@Component(service = HwpMetrics.class, configurationPid = HwpMetrics.PID)
@Designate(ocd = HwpMetrics.Config.class)
public final class HwpMetrics {
    public static final String PID = "org.hwpersonality.metrics";
    /** The service property of a {@link Collector} service whose metrics HWP serves. */
    public static final String COLLECTOR = "hwp.metrics=collector";

    @ObjectClassDefinition(name = "HWP Metrics", description = "The Prometheus metrics served at /hwp/api/v1/metrics.")
    public @interface Config {
        @AttributeDefinition(
                name = "Enabled",
                description = "Whether HWP records metrics and serves them at /hwp/api/v1/metrics (to administrators"
                        + " and Karaf users with the role 'metrics'). false: nothing is recorded and the path answers"
                        + " 404.")
        boolean enabled() default true;
    }

    private static final double[] REQUEST_SECONDS = {
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
    };
    private static final double[] PROGRAMMING_SECONDS = {0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300};

    private final CollectorRegistry registry = new CollectorRegistry(true);
    private final Histogram requests = Histogram.build()
            .name("hwp_http_request_seconds")
            .help("HTTP API requests by route (its path template), method and status: the count is the request rate")
            .labelNames("route", "method", "status")
            .buckets(REQUEST_SECONDS)
            .register(registry);
    private final Counter matches = Counter.build()
            .name("hwp_matches_total")
            .help("Requests and re-personalizations decided, by operation and result: exact (a stored profile), derived"
                    + " (adjusted for this request), unchanged (a re-personalization that kept its allocation)")
            .labelNames("operation", "result")
            .register(registry);
    private final Counter refusals = Counter.build()
            .name("hwp_refusals_total")
            .help("Requests and re-personalizations refused, by operation and reason (the error code of the answer)")
            .labelNames("operation", "reason")
            .register(registry);
    private final Histogram programming = Histogram.build()
            .name("hwp_programming_seconds")
            .help("Region programming run by this node, by vendor and outcome (loaded, skipped when the back end found"
                    + " the image already there, failed)")
            .labelNames("vendor", "outcome")
            .buckets(PROGRAMMING_SECONDS)
            .register(registry);
    private final Counter failures = Counter.build()
            .name("hwp_failures_total")
            .help("Failures by kind: a back end's (unknown_device, incompatible, corrupt_image, timeout, device_error),"
                    + " an allocation failed by reconciliation (abandoned), an unexpected server error (internal)")
            .labelNames("kind")
            .register(registry);

    private volatile boolean enabled;

    @Activate
    public HwpMetrics(Config config) {
        modified(config);
    }

    /** A registry with metrics on, outside OSGi (tests, benchmarks). */
    public static HwpMetrics enabled() {
        return new HwpMetrics(true);
    }

    private HwpMetrics(boolean enabled) {
        this.enabled = enabled;
    }

    @Modified
    void modified(Config config) {
        this.enabled = Settings.check(Config.class, config).enabled();
    }

    /** Whether metrics are recorded and served. */
    public boolean isEnabled() {
        return enabled;
    }

    /** One HTTP API request: its route's path template (or {@code unmatched}), method, status and duration. */
    public void request(String route, String method, int status, long nanos) {
        if (enabled) {
            requests.labels(route, method, Integer.toString(status)).observe(nanos / 1e9);
        }
    }

    /**
     * A request ({@code operation} REQUEST) or re-personalization (REPERSONALIZE) decided: {@code changed} false when
     * a re-personalization kept its allocation; else {@code derived} says whether the profile was adjusted for it.
     */
    public void decided(String operation, boolean changed, boolean derived) {
        if (enabled) {
            matches.labels(label(operation), changed ? (derived ? "derived" : "exact") : "unchanged")
                    .inc();
        }
    }

    /** A request or re-personalization refused with the error code {@code reason}. */
    public void refused(String operation, String reason) {
        if (enabled) {
            refusals.labels(label(operation), reason).inc();
        }
    }

    /** A programming run on this node: the device's vendor, {@code loaded}, {@code skipped} or {@code failed}. */
    public void programmed(String vendor, String outcome, long nanos) {
        if (enabled) {
            programming.labels(vendor, outcome).observe(nanos / 1e9);
        }
    }

    /** A failure of the given kind (lower case; a back end's kind is its enum name). */
    public void failed(String kind) {
        if (enabled) {
            failures.labels(label(kind)).inc();
        }
    }

    /** Adds a collector read at each scrape (the fleet's state, the JVM) until it is {@linkplain #unregister removed}. */
    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            target = "(" + COLLECTOR + ")",
            unbind = "unregister")
    public void register(Collector collector) {
        registry.register(collector);
    }

    public void unregister(Collector collector) {
        registry.unregister(collector);
    }

    /**
     * The media type of the answer to a scrape whose {@code Accept} header is {@code accept}: OpenMetrics when the
     * scraper asks for it (Prometheus does), else the Prometheus text format 0.0.4.
     */
    public static String contentType(String accept) {
        return TextFormat.chooseContentType(accept);
    }

    /** Writes every metric in {@code contentType} (from {@link #contentType}). */
    public void write(String contentType, Writer out) throws IOException {
        TextFormat.writeFormat(contentType, out, registry.metricFamilySamples());
    }

    private static String label(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
