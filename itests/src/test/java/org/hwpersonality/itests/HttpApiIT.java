package org.hwpersonality.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.artifact.SimImage;
import org.hwpersonality.api.device.RegionKind;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The HTTP API in the running distribution, over real HTTP: every path of the contract with its success and its
 * 4xx answers, who may call what (401 without credentials, 403 for a non-admin user and for a VM acting for
 * another), hostile input that must never yield a 500 nor change anything, and the VM agent as a separate process
 * re-personalizing when its metrics drop.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HttpApiIT extends HwpTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/hwp/api/v1";
    private static final String ADMIN = adminAuthorization();
    private static final String VIEWER =
            "Basic " + Base64.getEncoder().encodeToString("it-viewer:viewer-pw".getBytes(StandardCharsets.UTF_8));

    private final HttpClient client = HttpClient.newHttpClient();

    @Override
    protected Option[] extraOptions() {
        return new Option[] {
            // A Karaf user without the admin role.
            editConfigurationFilePut("etc/users.properties", "it-viewer", "viewer-pw,viewer"),
            // A Prometheus scraper's credential: the metrics role and nothing else.
            editConfigurationFilePut("etc/users.properties", "it-prometheus", "prom-pw,metrics"),
            systemProperty("hwp.metrics.parser")
                    .value(new File("../bundles/metrics/src/test/resources/parse-metrics.py").getAbsolutePath()),
            systemProperty("hwp.grafana.dashboard")
                    .value(new File("../docs/grafana/hwp-dashboard.json").getAbsolutePath()),
            systemProperty("hwp.agent.jar")
                    .value(new File(System.getProperty("hwp.agent.jar", "../agent/target/hwp-agent.jar"))
                            .getAbsolutePath())
        };
    }

    /** An HTTP answer. */
    private record Answer(int status, String body, HttpHeaders headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + (body.length() > 600 ? body.substring(0, 600) + "…" : body);
        }
    }

    private Answer call(String method, String path, String authorization, Object body, String... headers)
            throws Exception {
        byte[] bytes = body == null
                ? null
                : body instanceof byte[] b
                        ? b
                        : body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(http(path.startsWith("/hwp") ? path : API + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        bytes == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (bytes != null) {
            // Uploads are bytes; every other body is JSON, even when a test gives it as bytes (a BOM, 1 MiB of spaces).
            boolean upload =
                    (path.startsWith("/bitstreams") || path.startsWith("/drivers")) && !path.endsWith("/sharing");
            b.header("Content-Type", upload ? "application/octet-stream" : "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(r.statusCode(), r.body(), r.headers());
    }

    private Answer get(String path, String authorization) throws Exception {
        return call("GET", path, authorization, null);
    }

    /** The answer is an error JSON with this status and code, and a message. */
    private static JsonNode assertError(Answer a, int status, String code) {
        assertEquals(a.toString(), status, a.status());
        JsonNode e = a.json();
        assertEquals(a.toString(), code, e.path("error").asText());
        assertFalse(a.toString(), e.path("message").asText().isBlank());
        return e;
    }

    private static void assertStatus(Answer a, int status) {
        assertEquals(a.toString(), status, a.status());
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private void awaitHealthy() {
        waitUntil("the API reports UP", TIMEOUT, () -> {
            try {
                Answer h = get("/health", null);
                return h.status() == 200 && h.json().path("status").asText().equals("UP");
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** Registers a VM; returns {vmId, token}. */
    private String[] registerVm(String name) throws Exception {
        Answer r =
                call("POST", "/vms", ADMIN, Map.of("name", name, "os", Map.of("family", "linux", "kernel", "5.15.0")));
        assertStatus(r, 201);
        String vmId = r.json().path("vmId").asText();
        String token = r.json().path("token").asText();
        assertTrue(r.toString(), vmId.startsWith("vm-") && token.startsWith("hwp_"));
        assertEquals(API + "/vms/" + vmId, r.headers().firstValue("Location").orElse(""));
        return new String[] {vmId, token};
    }

    // ------------------------------------------------------------------ metrics

    private static final String PROMETHEUS =
            "Basic " + Base64.getEncoder().encodeToString("it-prometheus:prom-pw".getBytes(StandardCharsets.UTF_8));

    /** A scrape parsed by the Prometheus Python client's parser: every sample as {name, labels, value}. */
    private List<JsonNode> scrape(boolean openMetrics) throws Exception {
        List<JsonNode> samples = new ArrayList<>();
        scrapeFamilies(openMetrics).forEach(f -> f.path("samples").forEach(samples::add));
        return samples;
    }

    /** A scrape parsed by the Prometheus Python client's parser: the families, each with its samples. */
    private List<JsonNode> scrapeFamilies(boolean openMetrics) throws Exception {
        Answer a = openMetrics
                ? call("GET", "/metrics", PROMETHEUS, null, "Accept", "application/openmetrics-text; version=1.0.0")
                : get("/metrics", PROMETHEUS);
        assertStatus(a, 200);
        assertTrue(
                a.headers().toString(),
                a.headers()
                        .firstValue("Content-Type")
                        .orElse("")
                        .startsWith(openMetrics ? "application/openmetrics-text" : "text/plain; version=0.0.4"));
        Process p = new ProcessBuilder(
                        "/usr/bin/python3",
                        System.getProperty("hwp.metrics.parser"),
                        openMetrics ? "openmetrics" : "text")
                .start();
        try (var in = p.getOutputStream()) {
            in.write(a.body().getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("the Prometheus parser: " + err, 0, p.waitFor());
        List<JsonNode> families = new ArrayList<>();
        for (JsonNode family : JSON.readTree(out)) {
            assertTrue(
                    family.path("name").asText(), family.path("name").asText().startsWith("hwp_"));
            families.add(family);
        }
        return families;
    }

    /** The sum of the samples named {@code name} whose labels include {@code labels}. */
    private static double sum(List<JsonNode> samples, String name, Map<String, String> labels) {
        return samples.stream()
                .filter(s -> s.path("name").asText().equals(name))
                .filter(s -> labels.entrySet().stream()
                        .allMatch(e -> e.getValue()
                                .equals(s.path("labels").path(e.getKey()).asText(null))))
                .mapToDouble(s -> s.path("value").asDouble())
                .sum();
    }

    @Test
    public void prometheusScrapesWhatHappenedWithItsOwnCredentialAndTheDashboardFindsEveryMetric() throws Exception {
        awaitHealthy();
        assertError(get("/metrics", null), 401, "UNAUTHORIZED");
        assertError(get("/metrics", VIEWER), 403, "FORBIDDEN");
        assertError(get("/devices", PROMETHEUS), 403, "FORBIDDEN");
        assertStatus(get("/metrics", ADMIN), 200);

        List<JsonNode> before = scrape(false);
        Map<String, String> created = Map.of("route", "/personality-requests", "method", "POST", "status", "201");
        String[] vm = registerVm("it-vm-metrics");
        Answer granted = call(
                "POST",
                "/personality-requests",
                bearer(vm[1]),
                Map.of("workload", "compression", "requirements", Map.of("minThroughputGops", 30)));
        assertStatus(granted, 201);
        boolean programmed =
                granted.json().path("reconfiguration").path("performed").asBoolean();
        String[] other = registerVm("it-vm-metrics-refused");
        Answer refused = call(
                "POST",
                "/personality-requests",
                bearer(other[1]),
                Map.of("workload", "compression", "requirements", Map.of("minThroughputGops", 1_000_000)));
        assertTrue(refused.toString(), refused.status() >= 400 && refused.status() < 500);
        String reason = refused.json().path("error").asText();

        for (boolean openMetrics : new boolean[] {false, true}) {
            List<JsonNode> after = scrape(openMetrics);
            String what = openMetrics ? "OpenMetrics" : "text format";
            assertEquals(
                    what,
                    sum(before, "hwp_http_request_seconds_count", created) + 1,
                    sum(after, "hwp_http_request_seconds_count", created),
                    0);
            assertEquals(
                    what,
                    sum(before, "hwp_matches_total", Map.of("operation", "request")) + 1,
                    sum(after, "hwp_matches_total", Map.of("operation", "request")),
                    0);
            assertEquals(
                    what,
                    sum(before, "hwp_refusals_total", Map.of("operation", "request", "reason", reason)) + 1,
                    sum(after, "hwp_refusals_total", Map.of("operation", "request", "reason", reason)),
                    0);
            assertEquals(
                    what + ": programmed " + programmed,
                    sum(before, "hwp_programming_seconds_count", Map.of("outcome", "loaded")) + (programmed ? 1 : 0),
                    sum(after, "hwp_programming_seconds_count", Map.of("outcome", "loaded")),
                    0);
            assertTrue(what, sum(after, "hwp_allocations", Map.of("state", "ACTIVE")) >= 1);
            int regions = 0;
            for (JsonNode d : get("/devices", ADMIN).json()) {
                regions += d.path("regions").size();
            }
            assertEquals(what, regions, sum(after, "hwp_regions", Map.of()), 0);
            assertEquals(what, 1, sum(after, "hwp_backend_up", Map.of("vendor", "sim")), 0);
            assertTrue(what, sum(after, "hwp_db_pool_connections", Map.of("state", "total")) >= 1);
            assertTrue(what, sum(after, "hwp_jvm_memory_bytes_used", Map.of("area", "heap")) > 0);
        }
        assertStatus(
                call(
                        "DELETE",
                        "/allocations/" + granted.json().path("allocationId").asText(),
                        ADMIN,
                        null),
                200);

        // Every metric the Grafana dashboard queries is in the scrape (a family without samples yet counts: a
        // counter nothing has counted).
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (JsonNode family : scrapeFamilies(false)) {
            String name = family.path("name").asText();
            names.add(name);
            for (String suffix : List.of("_total", "_bucket", "_count", "_sum")) {
                names.add(name + suffix);
            }
            family.path("samples").forEach(s -> names.add(s.path("name").asText()));
        }
        java.util.Set<String> queried = new java.util.TreeSet<>();
        JsonNode dashboard = JSON.readTree(new File(System.getProperty("hwp.grafana.dashboard")));
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("hwp_[a-z_]+")
                        .matcher(target.path("expr").asText());
                while (m.find()) {
                    queried.add(m.group());
                }
            }
        }
        assertTrue(queried.toString(), queried.size() >= 15);
        java.util.Set<String> missing = new java.util.TreeSet<>(queried);
        missing.removeAll(names);
        assertTrue("queried by the dashboard but not scraped: " + missing, missing.isEmpty());
    }

    // ------------------------------------------------------------------ open paths and access control

    @Test
    public void healthAndTheOpenApiDocumentAreOpen() throws Exception {
        awaitHealthy();
        Answer health = get("/health", null);
        assertEquals(health.toString(), "UP", health.json().path("status").asText());
        assertFalse(health.toString(), health.json().has("parts"));
        Answer details = get("/health", ADMIN);
        assertEquals(
                details.toString(),
                "UP",
                details.json().path("parts").path("management").path("status").asText());
        assertEquals(
                details.toString(),
                "UP",
                details.json().path("parts").path("devices").path("status").asText());
        assertEquals(
                details.toString(),
                "UP",
                details.json().path("parts").path("nodes").path("status").asText());
        assertTrue(
                details.toString(),
                details.json().path("parts").path("database").has("millis"));
        assertEquals("UP", get("/health/ready", null).json().path("status").asText());
        assertEquals("UP", get("/health/live", null).json().path("status").asText());
        Answer doc = get("/openapi.json", null);
        assertStatus(doc, 200);
        assertEquals("3.0.3", doc.json().path("openapi").asText());
        assertTrue(doc.json().path("paths").has("/personality-requests"));
        Answer key = get("/drivers/public-key", null);
        assertStatus(key, 200);
        assertTrue(key.body(), key.body().startsWith("-----BEGIN PUBLIC KEY-----"));
        assertError(get("/no-such-thing", ADMIN), 404, "NOT_FOUND");
        Answer wrongMethod = call("PUT", "/profiles", ADMIN, Map.of());
        assertError(wrongMethod, 405, "INVALID_REQUEST");
        assertEquals("GET, POST", wrongMethod.headers().firstValue("Allow").orElse(""));
    }

    /**
     * Issue 20, missing tools: a back end whose tool is not there is DEGRADED with the reason, /health says DEGRADED
     * (still 200: the node serves) and names it to administrators; once it is gone, UP again.
     */
    @Test
    public void aBackEndWhoseToolsAreMissingMakesHealthDegradedAndSaysWhy() throws Exception {
        awaitHealthy();
        org.osgi.service.cm.ConfigurationAdmin admin =
                waitForService(org.osgi.service.cm.ConfigurationAdmin.class, null);
        java.util.Hashtable<String, Object> opae = new java.util.Hashtable<>();
        opae.put("fpgainfoPath", "/nonexistent/opae/fpgainfo");
        opae.put("fpgaconfPath", "/nonexistent/opae/fpgaconf");
        admin.getConfiguration("org.hwpersonality.backend.intel", "?").update(opae);
        // -r: no refresh, which would restart the JPA stack (and health with it) over a wiring preference of Karaf's
        executeCommand("feature:install -r hwp-backend-intel");
        try {
            waitUntil("the OPAE back end reports its missing tool", TIMEOUT, () -> {
                try {
                    executeCommand("device:rescan");
                } catch (RuntimeException e) {
                    // not bound yet
                }
                return executeCommand("device:backends --no-format").contains("DEGRADED");
            });
            Answer anyone = get("/health", null);
            assertStatus(anyone, 200);
            assertEquals(
                    anyone.toString(), "DEGRADED", anyone.json().path("status").asText());
            assertFalse(anyone.toString(), anyone.json().has("parts"));
            Answer details = get("/health", ADMIN);
            com.fasterxml.jackson.databind.JsonNode intel = null;
            for (com.fasterxml.jackson.databind.JsonNode b :
                    details.json().path("parts").path("backends")) {
                if (b.path("vendor").asText().equals("intel")) {
                    intel = b;
                }
            }
            assertTrue(details.toString(), intel != null);
            assertEquals("DEGRADED", intel.path("status").asText());
            assertTrue(intel.toString(), intel.path("message").asText().contains("/nonexistent/opae/fpgainfo"));
        } finally {
            executeCommand("feature:uninstall -r hwp-backend-intel");
        }
        waitUntil("UP once the back end is gone", TIMEOUT, () -> {
            try {
                return "UP".equals(get("/health", null).json().path("status").asText());
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** Every documented operation that needs credentials: 401 without, with a wrong password or token; 403 for a non-admin user. */
    @Test
    public void everyProtectedOperationRefusesAnonymousAndNonAdminCallers() throws Exception {
        awaitHealthy();
        JsonNode paths = get("/openapi.json", null).json().path("paths");
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (op.getValue().path("security").isEmpty()) {
                    continue;
                }
                String method = op.getKey().toUpperCase();
                String concrete = path.getKey().replaceAll("\\{[A-Za-z0-9]+}", "it-x");
                Object body = method.equals("POST") ? Map.of() : null;
                Answer anonymous = call(method, concrete, null, body);
                assertError(anonymous, 401, "UNAUTHORIZED");
                assertTrue(anonymous
                        .headers()
                        .firstValue("WWW-Authenticate")
                        .orElse("")
                        .contains("Basic"));
                assertError(
                        call(
                                method,
                                concrete,
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString("karaf:wrong".getBytes(StandardCharsets.UTF_8)),
                                body),
                        401,
                        "UNAUTHORIZED");
                assertError(
                        call(method, concrete, bearer("hwp_not-a-token-000000000000000000000000"), body),
                        401,
                        "UNAUTHORIZED");
                assertError(call(method, concrete, "Digest nonce=1", body), 401, "UNAUTHORIZED");
                assertError(call(method, concrete, VIEWER, body), 403, "FORBIDDEN");
                checked++;
            }
        }
        assertTrue("operations checked: " + checked, checked >= 25);
    }

    // ------------------------------------------------------------------ administration

    @Test
    public void administratorsManageProfilesDevicesImagesDriversAndSeeEvents() throws Exception {
        awaitHealthy();
        // Profiles
        Answer list = get("/profiles?workload=compression", ADMIN);
        assertStatus(list, 200);
        assertTrue(list.toString(), list.json().size() >= 3);
        list.json().forEach(p -> assertTrue(p.toString(), p.toString().contains("compression")));
        assertStatus(get("/profiles?vendor=intel&limit=1", ADMIN), 200);
        assertEquals(1, get("/profiles?vendor=intel&limit=1", ADMIN).json().size());
        assertError(get("/profiles?limit=0", ADMIN), 400, "INVALID_REQUEST");
        assertError(get("/profiles?limit=ten", ADMIN), 400, "INVALID_REQUEST");
        assertError(get("/profiles?workload=bad%20name!", ADMIN), 400, "INVALID_REQUEST");
        JsonNode zstd = get("/profiles/zstd-u250-v1", ADMIN).json();
        assertEquals("zstd-u250-v1", zstd.path("personalityId").asText());
        assertError(get("/profiles/it-none-v1", ADMIN), 404, "NOT_FOUND");

        Answer created = call("POST", "/profiles", ADMIN, profileJson("it-admin-made", "it-admin-workload", 180_000));
        assertStatus(created, 201);
        String id = created.json().path("personalityId").asText();
        assertEquals("it-admin-made-v1", id);
        assertEquals(
                API + "/profiles/" + id,
                created.headers().firstValue("Location").orElse(""));
        assertError(
                call("POST", "/profiles", ADMIN, profileJson("it-admin-made", "it-admin-workload", 180_000)),
                409,
                "CONFLICT");
        JsonNode invalid = assertError(
                call("POST", "/profiles", ADMIN, profileJson("it-bad", "it-bad", -5)), 400, "INVALID_REQUEST");
        assertTrue(invalid.toString(), invalid.path("message").asText().contains("luts"));
        assertError(call("POST", "/profiles", ADMIN, "[]"), 400, "INVALID_REQUEST");
        Answer retired = call("DELETE", "/profiles/" + id, ADMIN, null);
        assertStatus(retired, 200);
        assertEquals("RETIRED", retired.json().path("status").asText());
        assertError(call("DELETE", "/profiles/it-none-v1", ADMIN, null), 404, "NOT_FOUND");

        // Devices and back ends
        JsonNode devices = get("/devices", ADMIN).json();
        assertTrue(devices.toString(), devices.size() >= 5);
        String device = devices.get(0).path("id").asText();
        assertEquals(device, get("/devices/" + device, ADMIN).json().path("id").asText());
        assertError(get("/devices/it-none", ADMIN), 404, "NOT_FOUND");
        assertError(call("POST", "/devices/it-none/drain", ADMIN, null), 404, "NOT_FOUND");
        String last = devices.get(devices.size() - 1).path("id").asText();
        for (JsonNode d : devices) {
            if (d.path("family").asText().equals("alveo-u30")) {
                last = d.path("id").asText(); // a family no other test of this class uses
            }
        }
        Answer drained = call("POST", "/devices/" + last + "/drain", ADMIN, null);
        assertStatus(drained, 200);
        assertEquals("DRAINING", drained.json().path("state").asText());
        Answer enabled = call("POST", "/devices/" + last + "/enable", ADMIN, null);
        assertStatus(enabled, 200);
        assertEquals("ONLINE", enabled.json().path("state").asText());
        assertEquals(
                "ONLINE", get("/devices/" + last, ADMIN).json().path("state").asText());
        assertError(call("POST", "/devices/it-none/enable", ADMIN, null), 404, "NOT_FOUND");
        assertStatus(call("POST", "/devices/" + last + "/drain", ADMIN, null), 200);
        assertTrue(get("/backends", ADMIN).body().contains("sim"));

        // Programming images
        byte[] image = new SimImage(
                        "it-upload",
                        "xilinx",
                        "alveo-u250",
                        Optional.empty(),
                        RegionKind.PARTIAL,
                        4096,
                        Map.of("compression", new PerformanceFigures(10, 100, 20)))
                .bytes();
        Answer uploaded = call("POST", "/bitstreams?name=it-upload.sim&vendor=xilinx", ADMIN, image);
        assertStatus(uploaded, 201);
        String sha = uploaded.json().path("sha256").asText();
        assertEquals(64, sha.length());
        assertEquals(
                "SIM", get("/bitstreams/" + sha, ADMIN).json().path("format").asText());
        assertTrue(get("/bitstreams", ADMIN).body().contains(sha));
        assertError(
                call("POST", "/bitstreams?name=junk.xclbin&vendor=xilinx", ADMIN, "not an xclbin".getBytes()),
                400,
                "INVALID_REQUEST");
        assertError(call("POST", "/bitstreams?name=junk.bin&vendor=xilinx", ADMIN, image), 400, "INVALID_REQUEST");
        assertError(call("POST", "/bitstreams?name=../etc/passwd&vendor=xilinx", ADMIN, image), 400, "INVALID_REQUEST");
        assertError(call("POST", "/bitstreams?name=x.sim", ADMIN, image), 400, "INVALID_REQUEST");
        assertError(get("/bitstreams/abc", ADMIN), 400, "INVALID_REQUEST");
        assertError(get("/bitstreams/" + "0".repeat(64), ADMIN), 404, "NOT_FOUND");

        // Driver packages
        byte[] pkg = driverZip("it-admin-drv", "1.0.0", "it-admin-made-v1");
        Answer added = call("POST", "/drivers?fileName=it-admin-drv.zip", ADMIN, pkg);
        assertStatus(added, 201);
        String packageId = added.json().path("id").asText();
        assertEquals("it-admin-drv-1.0.0-linux-x86_64", packageId);
        Answer again = call("POST", "/drivers?fileName=it-admin-drv.zip", ADMIN, pkg);
        assertEquals(
                "the same archive again is the same package",
                packageId,
                again.json().path("id").asText());
        assertError(
                call(
                        "POST",
                        "/drivers?fileName=it-admin-drv.zip",
                        ADMIN,
                        driverZip("it-admin-drv", "1.0.0", "zstd-u250-v1")),
                409,
                "CONFLICT");
        assertError(call("POST", "/drivers?fileName=junk.zip", ADMIN, "PK junk".getBytes()), 400, "INVALID_REQUEST");
        assertError(call("POST", "/drivers", ADMIN, pkg), 400, "INVALID_REQUEST");
        assertEquals(
                packageId, get("/drivers/" + packageId, ADMIN).json().path("id").asText());
        Answer resolved = get("/drivers?personalityId=zstd-u250-v1&os=linux&kernel=5.15.0", ADMIN);
        assertStatus(resolved, 200);
        assertError(get("/drivers?os=linux", ADMIN), 400, "INVALID_REQUEST");
        assertError(get("/drivers?personalityId=zstd-u250-v1&os=plan9", ADMIN), 404, "NOT_FOUND");
        Answer content = get("/drivers/" + packageId + "/content", ADMIN);
        assertStatus(content, 200);
        assertTrue(content.headers().firstValue("Digest").orElse("").startsWith("sha-256="));
        assertStatus(call("DELETE", "/drivers/" + packageId, ADMIN, null), 200);
        assertError(get("/drivers/" + packageId, ADMIN), 404, "NOT_FOUND");
        assertError(call("DELETE", "/drivers/" + packageId, ADMIN, null), 404, "NOT_FOUND");

        // Events
        JsonNode events = get("/events?limit=5", ADMIN).json();
        assertEquals(events.toString(), 5, events.size());
        assertTrue(get("/events?subjectId=" + id, ADMIN).body().contains("org/hwpersonality/profile/"));
        assertError(get("/events?limit=0", ADMIN), 400, "INVALID_REQUEST");
        assertError(get("/events?limit=99999", ADMIN), 400, "INVALID_REQUEST");
    }

    // ------------------------------------------------------------------ VMs

    @Test
    public void vmsRequestReleaseAndRepersonalizeForThemselvesOnly() throws Exception {
        awaitHealthy();
        String[] a = registerVm("it-vm-a");
        String[] b = registerVm("it-vm-b");
        assertError(
                call("POST", "/vms", ADMIN, Map.of("name", "bad name!", "os", Map.of("family", "linux"))),
                400,
                "INVALID_REQUEST");
        assertError(call("POST", "/vms", ADMIN, Map.of("name", "x")), 400, "INVALID_REQUEST");
        assertError(
                call("POST", "/vms", ADMIN, Map.of("name", "x", "os", Map.of("family", "linux"), "extra", 1)),
                400,
                "INVALID_REQUEST");
        assertError(
                call("POST", "/vms", bearer(a[1]), Map.of("name", "x", "os", Map.of("family", "linux"))),
                403,
                "FORBIDDEN");
        assertTrue(get("/vms", ADMIN).body().contains(a[0]));

        // Issue 22: tenants. A VM registered without one belongs to "default"; a tenant exists before its VMs.
        assertEquals("default", get("/vms/" + a[0], ADMIN).json().path("tenant").asText());
        Map<String, Object> linux = Map.of("family", "linux");
        Answer unknown = call("POST", "/vms", ADMIN, Map.of("name", "x", "os", linux, "tenant", "it-acme"));
        assertError(unknown, 400, "INVALID_REQUEST");
        assertTrue(
                unknown.body(),
                unknown.body().contains("tenant") && unknown.body().contains("no tenant it-acme"));
        assertError(call("POST", "/vms", ADMIN, Map.of("name", "x", "os", linux, "tenant", 7)), 400, "INVALID_REQUEST");
        Answer added = call("POST", "/tenants", ADMIN, Map.of("id", "it-acme", "description", "Acme video"));
        assertStatus(added, 201);
        assertEquals(added.body(), "it-acme", added.json().path("id").asText());
        assertEquals(
                added.body(), "Acme video", added.json().path("description").asText());
        assertError(call("POST", "/tenants", ADMIN, Map.of("id", "it-acme")), 409, "CONFLICT");
        Answer badId = call("POST", "/tenants", ADMIN, Map.of("id", "It Acme"));
        assertError(badId, 400, "INVALID_REQUEST");
        assertTrue(badId.body(), badId.body().contains("id"));
        assertError(call("POST", "/tenants", ADMIN, Map.of("description", "no id")), 400, "INVALID_REQUEST");
        assertError(call("POST", "/tenants", ADMIN, Map.of("id", "it-x", "quota", 3)), 400, "INVALID_REQUEST");
        assertError(call("POST", "/tenants", bearer(a[1]), Map.of("id", "it-other")), 403, "FORBIDDEN");
        List<String> tenants = new ArrayList<>();
        get("/tenants", ADMIN).json().forEach(t -> tenants.add(t.path("id").asText()));
        assertTrue(tenants.toString(), tenants.contains("default") && tenants.contains("it-acme"));
        assertFalse(tenants.toString(), tenants.contains("it-x") || tenants.contains("it-other"));
        Answer acmeVm = call("POST", "/vms", ADMIN, Map.of("name", "it-acme-1", "os", linux, "tenant", "it-acme"));
        assertStatus(acmeVm, 201);
        assertEquals(
                acmeVm.body(),
                "it-acme",
                acmeVm.json().path("vm").path("tenant").asText());

        // A quota of 0: the tenant's VM is refused with 429 TENANT_QUOTA and Retry-After, not 503; lifted, it is
        // served.
        String acmeToken = acmeVm.json().path("token").asText();
        Map<String, Object> compress = Map.of("workload", "compression");
        assertError(call("PATCH", "/tenants/it-acme", ADMIN, Map.of("maxAllocations", -1)), 400, "INVALID_REQUEST");
        assertError(call("PATCH", "/tenants/it-acme", ADMIN, Map.of("maxAllocations", 1.5)), 400, "INVALID_REQUEST");
        assertError(call("PATCH", "/tenants/it-acme", ADMIN, Map.of()), 400, "INVALID_REQUEST");
        assertError(call("PATCH", "/tenants/no-such", ADMIN, Map.of("maxAllocations", 1)), 404, "NOT_FOUND");
        Answer zero = call("PATCH", "/tenants/it-acme", ADMIN, Map.of("maxAllocations", 0));
        assertStatus(zero, 200);
        assertEquals(zero.body(), 0, zero.json().path("maxAllocations").asInt(-1));
        Answer over = call("POST", "/personality-requests", bearer(acmeToken), compress);
        assertError(over, 429, "TENANT_QUOTA");
        assertTrue(over.body(), over.body().contains("tenant it-acme holds 0 allocation(s), its quota of 0"));
        assertTrue(over.toString(), over.headers().firstValue("Retry-After").isPresent());
        java.util.HashMap<String, Object> lift = new java.util.HashMap<>();
        lift.put("maxAllocations", null);
        Answer lifted = call("PATCH", "/tenants/it-acme", ADMIN, lift);
        assertStatus(lifted, 200);
        assertFalse(lifted.body(), lifted.json().has("maxAllocations")); // no limit: absent, as every empty field
        Answer served = call("POST", "/personality-requests", bearer(acmeToken), compress);
        assertStatus(served, 201);
        assertStatus(
                call(
                        "DELETE",
                        "/allocations/" + served.json().path("allocationId").asText(),
                        bearer(acmeToken),
                        null),
                200);

        // Sharing: zstd shared with the default tenant alone is never matched for it-acme, and its answers do not
        // name it; bad sharings are refused naming the field, and change nothing.
        String sharing = "/profiles/zstd-u250-v1/sharing";
        assertEquals("true", get(sharing, ADMIN).json().path("public").asText());
        Answer restricted = call("PUT", sharing, ADMIN, Map.of("public", false, "tenants", List.of("default")));
        assertStatus(restricted, 200);
        assertEquals(
                restricted.body(),
                "[\"default\"]",
                restricted.json().path("tenants").toString());
        assertEquals(restricted.body(), get(sharing, ADMIN).body());
        Map<String, Object> fast = Map.of("workload", "compression", "requirements", Map.of("minThroughputGops", 30));
        Answer notZstd = call("POST", "/personality-requests", bearer(acmeToken), fast);
        if (notZstd.status() == 201) {
            assertNotEquals(
                    notZstd.body(),
                    "zstd-u250-v1",
                    notZstd.json().path("personalityId").asText());
            assertStatus(
                    call(
                            "DELETE",
                            "/allocations/"
                                    + notZstd.json().path("allocationId").asText(),
                            bearer(acmeToken),
                            null),
                    200);
        } else {
            assertError(notZstd, 503, "NO_CAPACITY");
            assertFalse(notZstd.body(), notZstd.body().contains("zstd"));
        }
        Answer noTenant = call("PUT", sharing, ADMIN, Map.of("public", false, "tenants", List.of("no-such")));
        assertError(noTenant, 400, "INVALID_REQUEST");
        assertTrue(noTenant.body(), noTenant.body().contains("tenants"));
        assertError(call("PUT", sharing, ADMIN, Map.of("public", "yes")), 400, "INVALID_REQUEST");
        assertError(call("PUT", sharing, ADMIN, Map.of("tenants", List.of("default"))), 400, "INVALID_REQUEST");
        assertError(
                call("PUT", sharing, ADMIN, Map.of("public", true, "tenants", List.of("default"))),
                400,
                "INVALID_REQUEST");
        assertError(call("PUT", sharing, ADMIN, Map.of("public", true, "colour", 1)), 400, "INVALID_REQUEST");
        assertError(call("PUT", sharing, bearer(acmeToken), Map.of("public", true)), 403, "FORBIDDEN");
        assertError(call("PUT", "/profiles/no-such-v1/sharing", ADMIN, Map.of("public", true)), 404, "NOT_FOUND");
        assertEquals(restricted.body(), get(sharing, ADMIN).body());
        String zstdImage = get("/profiles/zstd-u250-v1", ADMIN)
                .json()
                .path("fabric")
                .path("bitstream")
                .asText();
        assertError(
                call("PUT", "/bitstreams/" + zstdImage + "/sharing", ADMIN, Map.of("public", true, "shareable", true)),
                400,
                "INVALID_REQUEST");
        assertError(call("GET", "/bitstreams/" + "0".repeat(63) + "/sharing", ADMIN, null), 400, "INVALID_REQUEST");
        assertEquals(
                "true",
                get("/bitstreams/" + zstdImage + "/sharing", ADMIN)
                        .json()
                        .path("public")
                        .asText());
        Answer open = call("PUT", sharing, ADMIN, Map.of("public", true));
        assertStatus(open, 200);
        assertEquals(open.body(), "[]", open.json().path("tenants").toString());

        assertEquals(a[0], get("/vms/" + a[0], bearer(a[1])).json().path("id").asText());
        assertError(get("/vms/" + b[0], bearer(a[1])), 403, "FORBIDDEN");
        assertFalse(
                "the token is never shown again",
                get("/vms/" + a[0], ADMIN).body().contains(a[1]));

        // A Personality Request by the VM itself (vmId and os default to its own).
        Answer first = call(
                "POST",
                "/personality-requests",
                bearer(a[1]),
                Map.of("workload", "compression", "requirements", Map.of("minThroughputGops", 30)));
        assertStatus(first, 201);
        JsonNode r = first.json();
        String allocation = r.path("allocationId").asText();
        assertEquals("ACTIVE", r.path("status").asText());
        // The decision is logged, with the VM's and the allocation's IDs in the log context (the pattern shows them).
        Path log = Path.of(System.getProperty("karaf.data"), "log", "karaf.log");
        waitUntil("the decision is logged", TIMEOUT, () -> {
            try {
                return Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
                        .anyMatch(l -> l.contains(
                                "vm=" + a[0] + " allocation=" + allocation + " decision REQUEST:" + " ALLOCATED"));
            } catch (java.io.IOException e) {
                return false;
            }
        });
        assertEquals(a[0], r.path("vmId").asText());
        assertFalse(r.path("personalityId").asText().isEmpty());
        assertFalse(r.path("derived").asBoolean());
        assertFalse(r.path("device").path("id").asText().isEmpty());
        assertFalse(r.path("device").path("vendor").asText().isEmpty());
        assertEquals(
                API + "/drivers/" + r.path("driver").path("packageId").asText() + "/content",
                r.path("driver").path("url").asText());
        assertEquals(64, r.path("driver").path("sha256").asText().length());
        assertTrue(r.path("reconfiguration").has("durationMs"));
        assertTrue(r.path("match").path("score").asDouble() > 0);
        assertTrue(r.path("match").path("reasons").size() > 0);

        assertError(
                call("POST", "/personality-requests", bearer(a[1]), Map.of("workload", "compression")),
                409,
                "CONFLICT");
        assertError(
                call("POST", "/personality-requests", bearer(b[1]), Map.of("vmId", a[0], "workload", "compression")),
                403,
                "FORBIDDEN");
        JsonNode impossible = assertError(
                call(
                        "POST",
                        "/personality-requests",
                        bearer(b[1]),
                        Map.of("workload", "compression", "requirements", Map.of("minThroughputGops", 1e6))),
                422,
                "NO_MATCHING_PROFILE");
        assertTrue(impossible.toString(), impossible.path("message").asText().contains("GOPS"));
        assertError(
                call(
                        "POST",
                        "/personality-requests",
                        bearer(b[1]),
                        Map.of("workload", "compression", "requirements", Map.of("maxLatencyUs", -1))),
                400,
                "INVALID_REQUEST");
        assertError(
                call(
                        "POST",
                        "/personality-requests",
                        ADMIN,
                        Map.of(
                                "vmId",
                                "vm-0000000000000000",
                                "os",
                                Map.of("family", "linux"),
                                "workload",
                                "compression")),
                404,
                "NOT_FOUND");

        // NO_CAPACITY: a profile (with its driver) that fits no region of the fleet.
        assertStatus(call("POST", "/profiles", ADMIN, profileJson("it-huge", "it-huge-work", 5_000_000)), 201);
        assertStatus(
                call(
                        "POST",
                        "/drivers?fileName=it-huge-drv.zip",
                        ADMIN,
                        driverZip("it-huge-drv", "1.0.0", "it-huge-v1")),
                201);
        Answer busy = call("POST", "/personality-requests", bearer(b[1]), Map.of("workload", "it-huge-work"));
        assertError(busy, 503, "NO_CAPACITY");
        assertEquals("5", busy.headers().firstValue("Retry-After").orElse(""));

        // Allocations: a VM sees and touches only its own.
        JsonNode mine = get("/allocations", bearer(a[1])).json();
        mine.forEach(x -> assertEquals(a[0], x.path("vmId").asText()));
        assertTrue(mine.toString(), mine.toString().contains(allocation));
        assertEquals(0, get("/allocations", bearer(b[1])).json().size());
        assertError(get("/allocations?vmId=" + a[0], bearer(b[1])), 403, "FORBIDDEN");
        assertError(get("/allocations/" + allocation, bearer(b[1])), 403, "FORBIDDEN");
        assertError(call("DELETE", "/allocations/" + allocation, bearer(b[1]), null), 403, "FORBIDDEN");
        assertError(get("/allocations/alloc-0000000000000000", ADMIN), 404, "NOT_FOUND");
        assertEquals(
                allocation,
                get("/allocations/" + allocation, bearer(a[1]))
                        .json()
                        .path("allocationId")
                        .asText());
        assertTrue(get("/allocations?vmId=" + a[0] + "&limit=5", ADMIN).body().contains(allocation));
        assertError(get("/allocations?limit=-1", ADMIN), 400, "INVALID_REQUEST");

        // Drivers: a VM fetches those of its allocation only.
        String personality = r.path("personalityId").asText();
        String packageId = r.path("driver").path("packageId").asText();
        assertStatus(get("/drivers?personalityId=" + personality + "&kernel=5.15.0", bearer(a[1])), 200);
        // Another VM's driver is, to this VM, one that does not exist.
        assertError(get("/drivers?personalityId=" + personality, bearer(b[1])), 404, "NOT_FOUND");
        Answer bytes = get("/drivers/" + packageId + "/content", bearer(a[1]));
        assertStatus(bytes, 200);
        assertEquals(
                "\"" + r.path("driver").path("sha256").asText() + "\"",
                bytes.headers().firstValue("ETag").orElse(""));
        assertError(get("/drivers/" + packageId + "/content", bearer(b[1])), 404, "NOT_FOUND");
        assertError(get("/drivers/it-huge-drv-1.0.0-linux-x86_64/content", bearer(a[1])), 404, "NOT_FOUND");

        // Re-personalization: figures that meet the requirement keep it; a drop moves the VM.
        Answer kept = call(
                "POST",
                "/vms/" + a[0] + "/repersonalization",
                bearer(a[1]),
                Map.of("metrics", Map.of("throughputGops", 41.0)));
        assertStatus(kept, 200);
        assertFalse(kept.json().path("changed").asBoolean());
        assertEquals(allocation, kept.json().path("allocationId").asText());
        // Periodic reports: stored with the verdict at the agent's threshold; nothing moves.
        Answer report = call(
                "POST",
                "/vms/" + a[0] + "/reports",
                bearer(a[1]),
                Map.of("metrics", Map.of("throughputGops", 41.0), "threshold", 0.01));
        assertStatus(report, 200);
        assertEquals(personality, report.json().path("personalityId").asText());
        assertEquals(allocation, report.json().path("allocationId").asText());
        assertFalse(report.json().path("underDelivered").asBoolean());
        Answer short10 = call(
                "POST",
                "/vms/" + a[0] + "/reports",
                bearer(a[1]),
                Map.of("metrics", Map.of("throughputGops", 41.0), "threshold", 10));
        assertTrue(short10.body(), short10.json().path("underDelivered").asBoolean());
        assertError(
                call(
                        "POST",
                        "/vms/" + a[0] + "/reports",
                        bearer(b[1]),
                        Map.of("metrics", Map.of("throughputGops", 1.0))),
                403,
                "FORBIDDEN");
        for (Object threshold : List.of("high", 0, 11)) {
            for (String path : List.of("/reports", "/repersonalization")) {
                JsonNode bad = assertError(
                        call(
                                "POST",
                                "/vms/" + a[0] + path,
                                bearer(a[1]),
                                Map.of("metrics", Map.of("throughputGops", 41.0), "threshold", threshold)),
                        400,
                        "INVALID_REQUEST");
                assertTrue(bad.toString(), bad.path("message").asText().contains("threshold"));
            }
        }
        JsonNode learned = get("/profiles/" + personality + "/learned", ADMIN).json();
        assertEquals(personality, learned.path("personalityId").asText());
        JsonNode family = learned.path("learned").path(0);
        // The re-personalization's report and the two above (other tests' VMs may add theirs); far from the
        // samples the matcher ranks by.
        assertTrue(learned.toString(), family.path("samples").asInt() >= 3);
        assertTrue(learned.toString(), family.has("throughputMedianGops"));
        assertFalse(family.path("ranked").asBoolean());
        assertError(get("/profiles/" + personality + "/learned", bearer(a[1])), 403, "FORBIDDEN");
        assertError(get("/profiles/no-such-profile/learned", ADMIN), 404, "NOT_FOUND");
        assertError(
                call(
                        "POST",
                        "/vms/" + a[0] + "/repersonalization",
                        bearer(b[1]),
                        Map.of("metrics", Map.of("throughputGops", 1.0))),
                403,
                "FORBIDDEN");
        JsonNode badMetrics = assertError(
                call(
                        "POST",
                        "/vms/" + a[0] + "/repersonalization",
                        bearer(a[1]),
                        Map.of("metrics", Map.of("utilization", 7))),
                400,
                "INVALID_REQUEST");
        assertTrue(badMetrics.toString(), badMetrics.path("message").asText().contains("metrics.utilization"));
        assertError(
                call("POST", "/vms/" + a[0] + "/repersonalization", bearer(a[1]), Map.of()), 400, "INVALID_REQUEST");
        assertError(
                call(
                        "POST",
                        "/vms/" + b[0] + "/repersonalization",
                        bearer(b[1]),
                        Map.of("metrics", Map.of("throughputGops", 1.0))),
                409,
                "CONFLICT");
        Answer moved = call(
                "POST",
                "/vms/" + a[0] + "/repersonalization",
                bearer(a[1]),
                Map.of("metrics", Map.of("throughputGops", 12.0)));
        assertStatus(moved, 201);
        JsonNode m = moved.json();
        assertTrue(m.path("changed").asBoolean());
        assertEquals(allocation, m.path("previousAllocationId").asText());
        assertFalse(personality.equals(m.path("personalityId").asText()));
        assertEquals(
                "RELEASED",
                get("/allocations/" + allocation, ADMIN).json().path("status").asText());

        // Release, twice; a revoked token is refused.
        String second = m.path("allocationId").asText();
        Answer released = call("DELETE", "/allocations/" + second, bearer(a[1]), null);
        assertStatus(released, 200);
        assertEquals("RELEASED", released.json().path("status").asText());
        assertError(call("DELETE", "/allocations/" + second, bearer(a[1]), null), 409, "CONFLICT");
        Answer revoked = call("DELETE", "/vms/" + b[0] + "/token", ADMIN, null);
        assertStatus(revoked, 200);
        assertTrue(revoked.json().path("tokenRevoked").asBoolean());
        assertError(get("/allocations", bearer(b[1])), 401, "UNAUTHORIZED");
        assertError(call("DELETE", "/vms/vm-0000000000000000/token", ADMIN, null), 404, "NOT_FOUND");
        assertTrue(get("/events?subjectId=" + b[0], ADMIN).body().contains("TOKEN_REVOKED"));
    }

    // ------------------------------------------------------------------ hostile input

    @Test
    public void hostileInputIsRefusedWithA4xxAndChangesNothing() throws Exception {
        awaitHealthy();
        String[] vm = registerVm("it-hostile");
        String before = state();
        String deep = "[".repeat(5000) + "]".repeat(5000);
        byte[] huge = new byte[(1 << 20) + 10];
        java.util.Arrays.fill(huge, (byte) ' ');
        huge[0] = '{';
        huge[huge.length - 1] = '}';
        List<Object[]> cases = new ArrayList<>();
        for (String path :
                List.of("/personality-requests", "/vms", "/profiles", "/vms/" + vm[0] + "/repersonalization")) {
            for (Object body : new Object[] {
                "",
                "{",
                "null",
                "[]",
                "\"text\"",
                "42",
                "{\"workload\": }",
                "{\"a\":1,\"a\":2}",
                deep,
                "{\"workload\":\"compression\",\"requirements\":{\"minThroughputGops\":\"many\"}}",
                "{\"workload\":\"compression\",\"requirements\":{\"minThroughputGops\":1e400}}",
                "{\"workload\":\"compression\",\"requirements\":{\"minMemoryMb\":99999999999999999999}}",
                "{\"workload\":\"com\u0000pression\"}",
                "{\"workload\":\"" + "w".repeat(100_000) + "\"}",
                "{\"metrics\":{\"throughputGops\":\"NaN\"}}",
                "{\"metrics\":[1]}",
                "{\"os\":{\"family\":[]},\"name\":\"x\"}",
                "{\"vmId\":\"../../etc\",\"workload\":\"compression\"}",
                huge,
                new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1},
            }) {
                cases.add(new Object[] {"POST", path, body});
            }
        }
        for (String path : List.of(
                "/allocations/..%2F..%2Fetc%2Fpasswd",
                "/allocations/%00",
                "/profiles/%2e%2e",
                "/devices/a%20b",
                "/drivers/..%2Fkeys/content",
                "/drivers?personalityId=%00",
                "/drivers?personalityId=x&kernel=;rm",
                "/allocations?limit=1e9",
                "/allocations?limit=%25zz",
                "/events?limit=-5",
                "/profiles?offset=-1",
                "/profiles?includeRetired=yes&limit=99999999999",
                "/bitstreams/" + "g".repeat(64),
                "/vms/" + "v".repeat(300),
                "/allocations?vmId=a&vmId=b")) {
            cases.add(new Object[] {"GET", path, null});
        }
        cases.add(new Object[] {"POST", "/bitstreams?name=x.gbs&vendor=intel", "GBS? no".getBytes()});
        cases.add(new Object[] {"POST", "/bitstreams?name=x.sim&vendor=" + "v".repeat(300), new byte[10]});
        cases.add(new Object[] {"POST", "/drivers?fileName=evil.tar.gz", new byte[] {0x1f, (byte) 0x8b, 8, 0}});
        cases.add(new Object[] {"POST", "/drivers?fileName=evil.zip", hostileZip()});
        cases.add(new Object[] {"DELETE", "/profiles/%2e%2e%2f", null});
        cases.add(new Object[] {"DELETE", "/allocations/alloc-..", null});
        int checked = 0;
        for (Object[] c : cases) {
            Answer a = call(
                    (String) c[0],
                    (String) c[1],
                    c[1].toString().contains("repersonalization") || c[1].equals("/personality-requests")
                            ? bearer(vm[1])
                            : ADMIN,
                    c[2]);
            String what = c[0] + " " + c[1] + " " + describe(c[2]) + " -> " + a;
            assertTrue(what, a.status() >= 400 && a.status() < 500);
            if (!a.body().startsWith("{")
                    && (c[1].toString().contains("%00") || c[1].toString().contains("%2F"))) {
                // Jetty refuses a NUL or an encoded '/' that climbs out of the API before any servlet sees it.
                assertFalse(what, a.body().isBlank());
                checked++;
                continue;
            }
            JsonNode e = a.json();
            assertFalse(what, e.path("error").asText().isEmpty());
            assertFalse(what, e.path("message").asText().isEmpty());
            checked++;
        }
        assertTrue("cases: " + checked, checked > 90);
        assertEquals("nothing changed", before, state());
        assertTrue(get("/health", null).status() == 200);
    }

    private static String describe(Object body) {
        if (body == null) {
            return "";
        }
        String s = body instanceof byte[] b ? "bytes[" + b.length + "]" : body.toString();
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    /** What hostile input must not change: profiles, VMs, allocations, images, packages. */
    private String state() throws Exception {
        return get("/profiles?includeRetired=true&limit=10000", ADMIN).json().size() + " profiles, "
                + get("/vms", ADMIN).json().size() + " vms, "
                + get("/allocations?limit=1000", ADMIN).body().hashCode() + " allocations, "
                + get("/bitstreams", ADMIN).json().size() + " images, "
                + get("/drivers/public-key", null).body().hashCode();
    }

    // ------------------------------------------------------------------ the agent, end to end

    /**
     * Starts the real agent jar for {@code vm} (ID, token), its output in {@code log}: threshold 0.8 over two samples
     * taken every 300 ms by {@code metricsCommand}, drivers unpacked under {@code work} and loaded by the given
     * scripts, the VM's allocation released when it exits; then the options in {@code more}. Over plain http:// the
     * agent trusts only a pinned signing key: this test's channel to the node is trusted.
     */
    private Process startAgent(
            String[] vm,
            Path work,
            String workload,
            String metricsCommand,
            Path load,
            Path unload,
            Path log,
            String... more)
            throws Exception {
        Path jar = Path.of(System.getProperty("hwp.agent.jar"));
        assertTrue("the agent jar is built: " + jar, Files.isRegularFile(jar));
        Path key = work.resolve("signing-key.pem");
        Files.writeString(key, get("/drivers/public-key", null).body());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "--server",
                "http://localhost:" + httpPort() + API,
                "--token",
                vm[1],
                "--vm",
                vm[0],
                "--workload",
                workload,
                "--kernel",
                "5.15.0",
                "--threshold",
                "0.8",
                "--hysteresis",
                "2",
                "--interval",
                "300ms",
                "--metrics-command",
                metricsCommand,
                "--driver-dir",
                work.resolve("drivers").toString(),
                "--load-command",
                load.toString(),
                "--unload-command",
                unload.toString(),
                "--release-on-exit",
                "--public-key",
                key.toString()));
        command.addAll(List.of(more));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    @Test
    public void theAgentLoadsItsDriverAndRepersonalizesWhenItsMetricsDrop() throws Exception {
        awaitHealthy();
        String[] vm = registerVm("it-agent");
        Path work = Files.createTempDirectory(karafHome().resolve("data"), "agent-");
        Path metrics = work.resolve("metrics.prom");
        Path loads = work.resolve("loads.log");
        Path log = work.resolve("agent.log");
        Files.writeString(metrics, "# TYPE hwp_throughput_gops gauge\nhwp_throughput_gops 40\n");
        Path load = script(
                work.resolve("load.sh"),
                "echo \"load $2 $HWP_PACKAGE_ID\" >> " + loads + "\ntest -f \"$1/hwp-driver.json\"\n");
        Path unload = script(work.resolve("unload.sh"), "echo \"unload $2 $HWP_PACKAGE_ID\" >> " + loads + "\n");
        Process agent = startAgent(
                vm,
                work,
                "compression",
                "cat " + metrics,
                load,
                unload,
                log,
                "--min-throughput",
                "30",
                "--cooldown",
                "60s");
        try {
            waitUntil(
                    "the first driver is loaded",
                    TIMEOUT,
                    () -> read(loads).lines().count() == 1);
            String first = read(loads).lines().findFirst().orElseThrow();
            assertTrue(first + "\n" + read(log), first.startsWith("load "));
            String firstPersonality = first.split(" ")[1];
            String firstPackage = first.split(" ")[2];
            assertTrue(Files.isDirectory(work.resolve("drivers")));

            // The figures drop below 80 % of the promise and below the requirement.
            Files.writeString(metrics, "hwp_throughput_gops 12\n");
            waitUntil(
                    "the agent re-personalizes",
                    TIMEOUT,
                    () -> read(loads).lines().count() >= 3);
            Files.writeString(metrics, "hwp_throughput_gops 50\n");
            List<String> lines = read(loads).lines().toList();
            assertEquals(read(log), "unload " + firstPersonality + " " + firstPackage, lines.get(1));
            assertTrue(lines.get(2), lines.get(2).startsWith("load "));
            String secondPersonality = lines.get(2).split(" ")[1];
            assertFalse(lines.toString(), secondPersonality.equals(firstPersonality));

            JsonNode history = get("/allocations?vmId=" + vm[0], ADMIN).json();
            assertEquals(history.toString(), 2, history.size());
            assertEquals("ACTIVE", history.get(0).path("status").asText());
            assertEquals(secondPersonality, history.get(0).path("personalityId").asText());
            assertEquals("RELEASED", history.get(1).path("status").asText());
            assertEquals(firstPersonality, history.get(1).path("personalityId").asText());
            assertEquals(
                    history.get(1).path("allocationId").asText(),
                    history.get(0).path("previousAllocationId").asText());
            String agentLog = read(log);
            for (String decision : List.of(
                    "decision=REQUESTED",
                    "decision=LOADED",
                    "decision=LOW",
                    "decision=REPERSONALIZE",
                    "decision=REPERSONALIZED",
                    "decision=UNLOADED",
                    "signature OK")) {
                assertTrue(decision + " in\n" + agentLog, agentLog.contains(decision));
            }

            // Issue 24: the operator evicts the device; the VM is moved (make-before-break) and its agent follows.
            String device = history.get(0).path("deviceId").asText();
            String second = history.get(0).path("allocationId").asText();
            int loadsBefore = (int) read(loads).lines().count();
            assertError(
                    call("POST", "/devices/" + device + "/evict?deadlineSeconds=0", ADMIN, null),
                    400,
                    "INVALID_REQUEST");
            assertError(call("POST", "/devices/no-such-device/evict", ADMIN, null), 404, "NOT_FOUND");
            assertError(call("POST", "/devices/" + device + "/evict", bearer(vm[1]), null), 403, "FORBIDDEN");
            try {
                Answer evicted = call("POST", "/devices/" + device + "/evict?deadlineSeconds=60", ADMIN, null);
                assertStatus(evicted, 200);
                JsonNode e = evicted.json();
                assertTrue(e.toString(), e.path("complete").asBoolean());
                assertEquals(
                        e.toString(), "DRAINING", e.path("device").path("state").asText());
                String third = e.path("moved").path(second).asText();
                assertFalse(e.toString(), third.isEmpty());
                JsonNode moved = get("/allocations/" + third, ADMIN).json();
                assertEquals(moved.toString(), "ACTIVE", moved.path("status").asText());
                assertEquals(second, moved.path("previousAllocationId").asText());
                assertFalse(moved.toString(), moved.path("deviceId").asText().equals(device));
                assertEquals(
                        "RELEASED",
                        get("/allocations/" + second, ADMIN)
                                .json()
                                .path("status")
                                .asText());
                // The agent logs FOLLOWED, then unloads the old driver, then loads the new one: wait for both lines.
                waitUntil(
                        "the agent follows the move and loads the driver of its new allocation",
                        TIMEOUT,
                        () -> read(log).contains("decision=FOLLOWED")
                                && read(loads).lines().count() >= loadsBefore + 2);
                assertTrue(read(log), read(log).contains("allocation " + second + " -> " + third));
                List<String> followed = read(loads).lines().toList();
                assertTrue(read(loads), followed.get(loadsBefore).startsWith("unload "));
                assertTrue(read(loads), followed.get(loadsBefore + 1).startsWith("load "));
            } finally {
                assertStatus(call("POST", "/devices/" + device + "/enable", ADMIN, null), 200);
            }
        } finally {
            agent.destroy(); // SIGTERM
            boolean exited = agent.waitFor(30, TimeUnit.SECONDS);
            if (!exited) {
                agent.destroyForcibly();
                fail("the agent did not stop on SIGTERM:\n" + read(log));
            }
        }
        assertTrue(read(log), read(log).contains("decision=RELEASED"));
        JsonNode after = get("/allocations?vmId=" + vm[0], ADMIN).json();
        after.forEach(
                x -> assertEquals(after.toString(), "RELEASED", x.path("status").asText()));
        assertTrue(
                read(loads), read(loads).lines().reduce((x, y) -> y).orElse("").startsWith("unload "));
    }

    /**
     * Issue 23, the seed's loop for real: an agent with a threshold and no requirement runs on a personality that
     * promises four times what its image delivers on the simulated card (the card's guest telemetry is what the
     * agent's metrics command reads). The agent's threshold triggers, the service compares the figures with the
     * promise, moves the VM to an honest personality and the agent loads its driver; there, with the figures above
     * the threshold, nothing moves, and the periodic reports teach the service what each personality delivers.
     */
    @Test
    public void theAgentsThresholdMovesAVmWhosePersonalityDeliversLessThanItPromised() throws Exception {
        awaitHealthy();
        // The zstd image declares 42 GOPS, 150 µs, 45 W for compression: the guest on its region measures about that.
        String over = created(adaptive("it-adapt-over", 160, 10));
        String honest = created(adaptive("it-adapt-honest", 36, 45));
        for (String p : List.of(over, honest)) {
            String driver = p.replace("-v1", "-drv");
            assertStatus(
                    call("POST", "/drivers?fileName=" + driver + ".zip", ADMIN, driverZip(driver, "1.0.0", p)), 201);
        }
        String[] vm = registerVm("it-adaptive");
        Path work = Files.createTempDirectory(karafHome().resolve("data"), "adaptive-");
        Path loads = work.resolve("loads.log");
        Path log = work.resolve("agent.log");
        Path load = script(work.resolve("load.sh"), "echo \"load $2 $HWP_PACKAGE_ID\" >> " + loads + "\n");
        Path unload = script(work.resolve("unload.sh"), "echo \"unload $2 $HWP_PACKAGE_ID\" >> " + loads + "\n");
        Path guest = karafHome().resolve("data/hwp/sim-guest");
        Process agent = startAgent(
                vm,
                work,
                "it-adaptive",
                "cat \"" + guest + "/${HWP_DEVICE_ID#*:}/$HWP_REGION_ID.prom\"",
                load,
                unload,
                log,
                "--cooldown",
                "1s",
                "--report-interval",
                "1s");
        try {
            waitUntil(
                    "the agent moves to the honest personality",
                    TIMEOUT,
                    () -> read(loads).contains("load " + honest + " "));
            List<String> lines = read(loads).lines().toList();
            assertEquals(read(log), 3, lines.size());
            assertEquals(read(log), "load " + over + " it-adapt-over-drv-1.0.0-linux-x86_64", lines.get(0));
            assertEquals("unload " + over + " it-adapt-over-drv-1.0.0-linux-x86_64", lines.get(1));
            assertEquals("load " + honest + " it-adapt-honest-drv-1.0.0-linux-x86_64", lines.get(2));
            String agentLog = read(log);
            assertTrue(agentLog, agentLog.contains("decision=REPERSONALIZED " + over + " -> " + honest));

            // On the honest one the figures are above the threshold: samples pass, reports go, nothing moves.
            int before = agentLog.length();
            waitUntil(
                    "the agent reports on the honest personality",
                    TIMEOUT,
                    () -> read(log).substring(before).contains("decision=REPORTED on " + honest + ": as promised"));
            Thread.sleep(3_000); // ten samples, three cool-downs
            String after = read(log).substring(before);
            assertTrue(after, after.contains("decision=OK"));
            assertFalse(after, after.contains("decision=LOW") || after.contains("decision=REPERSONALIZE"));
            JsonNode history = get("/allocations?vmId=" + vm[0], ADMIN).json();
            assertEquals(history.toString(), 2, history.size());
            assertEquals(honest, history.get(0).path("personalityId").asText());
            assertEquals("ACTIVE", history.get(0).path("status").asText());
            assertEquals(over, history.get(1).path("personalityId").asText());

            // What the service learned: the over-promising one measured far below 0.8 × 160, the honest one above.
            JsonNode overLearned = get("/profiles/" + over + "/learned", ADMIN)
                    .json()
                    .path("learned")
                    .path(0);
            assertTrue(
                    overLearned.toString(),
                    overLearned.path("throughputMedianGops").asDouble() < 128);
            JsonNode honestLearned = get("/profiles/" + honest + "/learned", ADMIN)
                    .json()
                    .path("learned")
                    .path(0);
            assertTrue(honestLearned.toString(), honestLearned.path("samples").asInt() >= 1);
            assertTrue(
                    honestLearned.toString(),
                    honestLearned.path("throughputMedianGops").asDouble() >= 0.8 * 36);
        } finally {
            agent.destroy(); // SIGTERM
            if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
                fail("the agent did not stop on SIGTERM:\n" + read(log));
            }
        }
    }

    /** A profile of the zstd image for workload it-adaptive, promising {@code gops} at {@code watts}. */
    private static Map<String, Object> adaptive(String name, double gops, double watts) {
        return Map.of(
                "name", name,
                "description", "made by HttpApiIT: promises " + gops + " GOPS on the zstd image",
                "compatibility", Map.of("vendor", "xilinx", "family", "alveo-u250"),
                "workloads",
                        List.of(Map.of(
                                "workload",
                                "it-adaptive",
                                "performance",
                                Map.of("throughputGops", gops, "latencyUs", 150, "powerWatts", watts))),
                "osSupport", List.of(Map.of("family", "linux", "kernels", "[4.18,6.9)", "driverName", name + "-drv")),
                "fabric",
                        Map.of(
                                "bitstream",
                                "17be4ae4f14cebe4fcf973672867350324c419e23695678df2f3cb919485edbd",
                                "regionKind",
                                "PARTIAL",
                                "resources",
                                Map.of(
                                        "luts",
                                        180000,
                                        "registers",
                                        300000,
                                        "bramBlocks",
                                        320,
                                        "dsps",
                                        120,
                                        "memoryMb",
                                        2048),
                                "clocks",
                                List.of(Map.of("name", "kernel", "frequencyMhz", 300))),
                "memoryMap",
                        Map.of(
                                "segments",
                                List.of(Map.of(
                                        "name", "ddr2", "kind", "DDR", "baseAddress", 0, "sizeBytes", 2147483648L))));
    }

    /** POSTs a profile; its Personality ID. */
    private String created(Map<String, Object> profile) throws Exception {
        Answer r = call("POST", "/profiles", ADMIN, profile);
        assertStatus(r, 201);
        return r.json().path("personalityId").asText();
    }

    private static Path script(Path file, String body) throws Exception {
        Files.writeString(file, "#!/bin/sh\nset -e\n" + body);
        assertTrue(file.toFile().setExecutable(true));
        return file;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (Exception e) {
            return "";
        }
    }

    // ------------------------------------------------------------------ fixtures

    /** A profile document for POST /profiles: xilinx alveo-u250, the zstd image, one workload. */
    private static Map<String, Object> profileJson(String name, String workload, long luts) {
        return Map.of(
                "name", name,
                "description", "made by HttpApiIT",
                "compatibility", Map.of("vendor", "xilinx", "family", "alveo-u250"),
                "workloads",
                        List.of(Map.of(
                                "workload",
                                workload,
                                "performance",
                                Map.of("throughputGops", 20, "latencyUs", 100, "powerWatts", 30))),
                "osSupport", List.of(Map.of("family", "linux", "kernels", "[4.18,6.9)", "driverName", name + "-drv")),
                "fabric",
                        Map.of(
                                "bitstream",
                                "17be4ae4f14cebe4fcf973672867350324c419e23695678df2f3cb919485edbd",
                                "regionKind",
                                "PARTIAL",
                                "resources",
                                Map.of("luts", luts, "registers", 1000, "bramBlocks", 1, "dsps", 1, "memoryMb", 512),
                                "clocks",
                                List.of()),
                "memoryMap", Map.of("segments", List.of()));
    }

    /** A driver package serving one personality. */
    private static byte[] driverZip(String name, String version, String serves) throws Exception {
        String manifest = "{\"name\":\"" + name + "\",\"version\":\"" + version + "\",\"osFamily\":\"linux\","
                + "\"kernels\":\"[4.18,6.9)\",\"architecture\":\"x86_64\",\"serves\":[\"" + serves + "\"],"
                + "\"files\":[{\"path\":\"lib/" + name + ".ko\",\"kind\":\"MODULE\"}],"
                + "\"loadInstructions\":[\"insmod lib/" + name + ".ko\"]}";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("hwp-driver.json"));
            zip.write(manifest.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("lib/" + name + ".ko"));
            zip.write(("module " + name).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    private static byte[] hostileZip() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("hwp-driver.json"));
            zip.write("{}".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("../../../../tmp/hwp-escape"));
            zip.write("x".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return out.toByteArray();
    }
}
