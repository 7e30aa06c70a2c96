package org.hwpersonality.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.artifacts.internal.DriverSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against a real HTTP server (the JDK's) that answers requests with {@code 202 Accepted} while it
 * programs the region: the agent polls the {@code Location} until the allocation is ACTIVE and then loads the
 * driver as after a {@code 201}; an allocation that ends FAILED is a failed request (backoff, then a new request);
 * programming that outlasts {@code --programming-wait} makes the agent give up with a clear line.
 */
class ProgrammingWaitTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "/hwp/api/v1";
    private static final String VM = "vm-019aa1b2c3d4a1b2c3d4e5f60718";
    private static final byte[] MANIFEST =
            "{\"id\":\"acme-drv\",\"version\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private HttpServer server;
    private DriverSigner signer;
    private Path loaded;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    /** "METHOD path" of every call, in order. */
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** The bodies of the POSTs, in order. */
    private final List<JsonNode> bodies = Collections.synchronizedList(new ArrayList<>());
    /** What POST /personality-requests and POST /vms/{vm}/repersonalization answer, in turn. */
    private final Deque<Reply> posts = new ArrayDeque<>();
    /** The statuses GET /allocations/{id} reports, in turn; the last one stays. */
    private final Map<String, Deque<String>> statuses = new LinkedHashMap<>();

    private final Map<String, byte[]> archives = new LinkedHashMap<>();
    private final Map<String, ObjectNode> drivers = new LinkedHashMap<>();

    private record Reply(int status, ObjectNode body, String location) {}

    @BeforeEach
    void start() throws IOException {
        Log.to(new PrintStream(logBytes, true, StandardCharsets.UTF_8));
        signer = DriverSigner.withNewKey();
        loaded = tmp.resolve("loaded.log");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(API + "/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        Log.to(System.err);
        System.out.print(logBytes.toString(StandardCharsets.UTF_8)); // kept in the test report
    }

    private synchronized void handle(HttpExchange x) throws IOException {
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getPath().substring(API.length());
        calls.add(method + " " + path);
        if (!("Bearer hwp_test").equals(x.getRequestHeaders().getFirst("Authorization"))) {
            send(x, 401, JSON.createObjectNode().put("error", "UNAUTHORIZED"));
            return;
        }
        if (method.equals("POST")) {
            try (java.io.InputStream in = x.getRequestBody()) {
                bodies.add(JSON.readTree(in));
            }
            Reply r = posts.isEmpty() ? null : posts.poll();
            if (r == null) {
                send(x, 500, JSON.createObjectNode().put("error", "INTERNAL"));
                return;
            }
            if (r.location() != null) {
                x.getResponseHeaders().add("Location", r.location());
            }
            send(x, r.status(), r.body());
        } else if (path.equals("/allocations")) {
            ArrayNode list = JSON.createArrayNode();
            statuses.forEach((id, s) -> list.add(allocationView(id, s.peek())));
            send(x, 200, list);
        } else if (path.startsWith("/allocations/")) {
            String id = path.substring("/allocations/".length());
            Deque<String> s = statuses.get(id);
            if (s == null) {
                send(x, 404, JSON.createObjectNode().put("error", "NOT_FOUND"));
                return;
            }
            String status = s.size() > 1 ? s.poll() : s.peek();
            send(x, 200, allocationView(id, status));
        } else if (path.matches("/drivers/[^/]+") && drivers.containsKey(path.split("/")[2])) {
            // GET /drivers/{id}: the package record, as the repository serializes it.
            ObjectNode d = drivers.get(path.split("/")[2]);
            send(
                    x,
                    200,
                    JSON.createObjectNode()
                            .put("id", d.get("packageId").asText())
                            .put("archiveSha256", d.get("sha256").asText())
                            .put("signature", d.get("signature").asText()));
        } else if (path.matches("/drivers/[^/]+/content")) {
            byte[] body = archives.get(path.split("/")[2]);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        } else {
            send(x, 404, JSON.createObjectNode().put("error", "NOT_FOUND"));
        }
    }

    private static void send(HttpExchange x, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** GET /allocations/{id} as Views.allocation shapes it. */
    private ObjectNode allocationView(String id, String status) {
        ObjectNode a = JSON.createObjectNode();
        a.put("allocationId", id);
        a.put("vmId", VM);
        a.put("status", status);
        a.put("personalityId", personalityOf(id));
        a.put("deviceId", "sim-u250-0");
        a.put("regionId", "0");
        a.put("driverPackageId", packageOf(id));
        a.putObject("request").put("workload", "compression");
        return a;
    }

    private static String personalityOf(String allocationId) {
        return "zstd-u250-" + allocationId;
    }

    private static String packageOf(String allocationId) {
        return "acme-drv-" + allocationId;
    }

    /** The answer to a request for allocation {@code id}, as Views.result shapes it, with a signed driver. */
    private ObjectNode answer(String id, String status) throws IOException {
        String packageId = packageOf(id);
        byte[] archive = zip("bin/driver.ko", "driver of " + id);
        archives.put(packageId, archive);
        String sha = HexFormat.of().formatHex(ApiClient.sha256().digest(archive));
        String manifestSha = HexFormat.of().formatHex(ApiClient.sha256().digest(MANIFEST));
        ObjectNode a = allocationView(id, status);
        a.put("derived", false);
        a.put("changed", true);
        a.putObject("device").put("id", "sim-u250-0").put("vendor", "xilinx").put("region", "0");
        ObjectNode d = a.putObject("driver");
        d.put("packageId", packageId);
        d.put("sha256", sha);
        d.put("signature", signer.sign(DriverSigner.payload(packageId, Sha256.of(sha), Sha256.of(manifestSha))));
        d.put("url", API + "/drivers/" + packageId + "/content");
        drivers.put(packageId, d);
        a.putObject("reconfiguration").put("performed", true).put("durationMs", 0.0);
        ObjectNode match = a.putObject("match");
        match.put("exact", true);
        match.putObject("expected").put("throughputGops", 40.0).put("latencyUs", 150.0);
        return a;
    }

    private void accepted(String id, String... pollStatuses) throws IOException {
        posts.add(new Reply(202, answer(id, "PROGRAMMING"), API + "/allocations/" + id));
        statuses.put(id, new ArrayDeque<>(List.of(pollStatuses)));
    }

    private static byte[] zip(String name, String content) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(buf)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(content.getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("hwp-driver.json"));
            z.write(MANIFEST);
            z.closeEntry();
        }
        return buf.toByteArray();
    }

    /** An agent with the given bound, fast polls (10 ms growing to 80 ms) and a 20 ms backoff base, run once. */
    private Agent agent(Duration programmingWait, String metricsCommand, int hysteresis) {
        ApiClient api = new ApiClient(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + API), "hwp_test");
        DriverInstaller installer = new DriverInstaller(
                api,
                tmp.resolve("drivers"),
                signer::publicKey,
                Optional.of("echo \"load $HWP_PACKAGE_ID\" >> " + loaded + "; true"),
                Optional.of("echo \"unload $HWP_PACKAGE_ID\" >> " + loaded + "; true"),
                Optional.empty(),
                Duration.ofSeconds(30));
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("vmId", VM);
        request.put("os", Map.of("family", "linux", "kernel", "5.15.0"));
        request.put("workload", "compression");
        return new Agent(
                api,
                new ProgrammingWait(api, programmingWait, Duration.ofMillis(10), Duration.ofMillis(80)),
                installer,
                new MetricsCommand(metricsCommand, Duration.ofSeconds(10)),
                new Decider(0.8, 0.05, hysteresis, Duration.ZERO, Duration.ofMillis(20), Duration.ofSeconds(1)),
                Clock.systemUTC(),
                VM,
                request,
                Duration.ofMillis(100),
                Duration.ZERO,
                true,
                false);
    }

    private List<String> decisions() {
        return logBytes.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.contains("decision="))
                .map(l -> l.substring(l.indexOf("decision=")))
                .toList();
    }

    private String loadLog() throws IOException {
        return Files.exists(loaded) ? Files.readString(loaded) : "";
    }

    @Test
    void aRequestAcceptedWhileProgrammingIsFollowedUntilActiveThenItsDriverIsLoaded() throws Exception {
        accepted("alloc-1", "PROGRAMMING", "PROGRAMMING", "ACTIVE");

        int exit =
                agent(Duration.ofSeconds(30), "echo hwp_throughput_gops 40", 3).run();

        assertThat(exit).isEqualTo(Agent.OK);
        assertThat(calls)
                .containsSubsequence(
                        "POST /personality-requests",
                        "GET /allocations/alloc-1",
                        "GET /allocations/alloc-1",
                        "GET /allocations/alloc-1",
                        "GET /drivers/acme-drv-alloc-1/content")
                .filteredOn(c -> c.startsWith("GET /allocations/"))
                .hasSize(3);
        assertThat(loadLog()).isEqualTo("load acme-drv-alloc-1\n");
        assertThat(decisions())
                .satisfiesExactly(
                        d -> assertThat(d).startsWith("decision=ACCEPTED allocation=alloc-1 status=PROGRAMMING"),
                        d -> assertThat(d).startsWith("decision=WAITING allocation=alloc-1 status=PROGRAMMING"),
                        d -> assertThat(d).startsWith("decision=PROGRAMMED allocation=alloc-1 status=ACTIVE"),
                        d -> assertThat(d).startsWith("decision=REQUESTED allocation=alloc-1"),
                        d -> assertThat(d).startsWith("decision=LOADED first personality: driver acme-drv-alloc-1"),
                        d -> assertThat(d).isEqualTo("decision=OK"));
    }

    @Test
    void anAllocationThatFailsWhileProgrammingIsAFailedRequestTriedAgainAfterBackoff() throws Exception {
        accepted("alloc-1", "PROGRAMMING", "FAILED");
        posts.add(new Reply(201, answer("alloc-2", "ACTIVE"), API + "/allocations/alloc-2"));

        int exit =
                agent(Duration.ofSeconds(30), "echo hwp_throughput_gops 40", 3).run();

        assertThat(exit).isEqualTo(Agent.OK);
        assertThat(calls)
                .containsSubsequence(
                        "POST /personality-requests",
                        "GET /allocations/alloc-1",
                        "GET /allocations/alloc-1",
                        "POST /personality-requests",
                        "GET /drivers/acme-drv-alloc-2/content")
                .doesNotContain("GET /drivers/acme-drv-alloc-1/content");
        assertThat(loadLog()).isEqualTo("load acme-drv-alloc-2\n");
        assertThat(decisions())
                .satisfiesExactly(
                        d -> assertThat(d).startsWith("decision=ACCEPTED allocation=alloc-1"),
                        d -> assertThat(d).startsWith("decision=WAITING allocation=alloc-1 status=PROGRAMMING"),
                        d -> assertThat(d).startsWith("decision=PROGRAMMING_FAILED allocation=alloc-1 status=FAILED"),
                        d -> assertThat(d)
                                .startsWith("decision=RETRY personality request failed (HTTP 202 PROGRAMMING_FAILED")
                                .contains("became FAILED instead of ACTIVE"),
                        d -> assertThat(d).startsWith("decision=REQUESTED allocation=alloc-2"),
                        d -> assertThat(d).startsWith("decision=LOADED first personality: driver acme-drv-alloc-2"),
                        d -> assertThat(d).isEqualTo("decision=OK"));
    }

    @Test
    void programmingThatOutlastsTheProgrammingWaitMakesTheAgentGiveUp() throws Exception {
        accepted("alloc-1", "PROGRAMMING");

        long start = System.nanoTime();
        int exit =
                agent(Duration.ofMillis(700), "echo hwp_throughput_gops 40", 3).run();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(exit).isEqualTo(Agent.REFUSED);
        assertThat(took).isBetween(Duration.ofMillis(700), Duration.ofSeconds(10));
        assertThat(calls.stream().filter(c -> c.equals("GET /allocations/alloc-1")))
                .as("polled more than a few times, but with growing pauses")
                .hasSizeBetween(5, 40);
        assertThat(calls).filteredOn(c -> c.startsWith("POST")).hasSize(1);
        assertThat(loadLog()).isEmpty();
        List<String> decisions = decisions();
        assertThat(decisions.get(decisions.size() - 1))
                .matches("decision=GIVE_UP allocation=alloc-1 status=PROGRAMMING waited=\\d+ms: programming outlasted"
                        + " --programming-wait PT0.7S");
    }

    @Test
    void aRepersonalizationAcceptedWhileProgrammingSwapsDriversOnceActive() throws Exception {
        posts.add(new Reply(201, answer("alloc-1", "ACTIVE"), API + "/allocations/alloc-1"));
        accepted("alloc-2", "RESERVED", "PROGRAMMING", "ACTIVE");

        // 10 GOPS of a promised 40: low, and one low sample triggers. The command learns where it runs.
        Path place = tmp.resolve("place.txt");
        int exit = agent(
                        Duration.ofSeconds(30),
                        "echo \"$HWP_VM_ID $HWP_ALLOCATION_ID $HWP_PERSONALITY_ID $HWP_DEVICE_ID $HWP_REGION_ID\" > "
                                + place + "; echo hwp_throughput_gops 10",
                        1)
                .run();

        assertThat(exit).isEqualTo(Agent.OK);
        assertThat(calls)
                .containsSubsequence(
                        "POST /personality-requests",
                        "GET /drivers/acme-drv-alloc-1/content",
                        "POST /vms/" + VM + "/repersonalization",
                        "GET /allocations/alloc-2",
                        "GET /allocations/alloc-2",
                        "GET /allocations/alloc-2",
                        "GET /drivers/acme-drv-alloc-2/content");
        assertThat(loadLog()).isEqualTo("load acme-drv-alloc-1\nunload acme-drv-alloc-1\nload acme-drv-alloc-2\n");
        assertThat(Files.readString(place).trim())
                .isEqualTo(VM + " alloc-1 "
                        + allocationView("alloc-1", "ACTIVE")
                                .path("personalityId")
                                .asText() + " sim-u250-0 0");
        // The re-personalization carries the figures and the agent's threshold, which the service compares with the
        // promise.
        assertThat(bodies).hasSize(2);
        assertThat(bodies.get(1).path("threshold").asDouble()).isEqualTo(0.8);
        assertThat(bodies.get(1).path("metrics").path("throughputGops").asDouble())
                .isEqualTo(10.0);
        assertInOrder(
                decisions(),
                "decision=REPERSONALIZE",
                "decision=ACCEPTED allocation=alloc-2 status=PROGRAMMING",
                "decision=WAITING allocation=alloc-2 status=RESERVED",
                "decision=WAITING allocation=alloc-2 status=PROGRAMMING",
                "decision=PROGRAMMED allocation=alloc-2 status=ACTIVE",
                "decision=REPERSONALIZED",
                "decision=UNLOADED driver acme-drv-alloc-1",
                "decision=LOADED re-personalized: driver acme-drv-alloc-2");
    }

    @Test
    void anAgentRestartedWhileItsAllocationIsProgrammedFollowsThatAllocation() throws Exception {
        answer("alloc-1", "PROGRAMMING"); // publishes the package the allocation names
        statuses.put("alloc-1", new ArrayDeque<>(List.of("PROGRAMMING", "PROGRAMMING", "ACTIVE")));
        posts.add(new Reply(
                409,
                JSON.createObjectNode()
                        .put("error", "CONFLICT")
                        .put("message", "VM " + VM + " holds allocation alloc-1 already"),
                null));

        int exit =
                agent(Duration.ofSeconds(30), "echo hwp_throughput_gops 40", 3).run();

        assertThat(exit).isEqualTo(Agent.OK);
        assertThat(calls)
                .containsSubsequence(
                        "POST /personality-requests",
                        "GET /allocations",
                        "GET /allocations/alloc-1",
                        "GET /allocations/alloc-1",
                        "GET /drivers/acme-drv-alloc-1",
                        "GET /drivers/acme-drv-alloc-1/content");
        assertThat(loadLog()).isEqualTo("load acme-drv-alloc-1\n");
        assertInOrder(
                decisions(),
                "decision=ADOPTED the VM holds allocation alloc-1 already, still PROGRAMMING",
                "decision=ACCEPTED allocation=alloc-1 status=PROGRAMMING",
                "decision=PROGRAMMED allocation=alloc-1 status=ACTIVE",
                "decision=LOADED first personality: driver acme-drv-alloc-1");
    }

    @Test
    void onlyALocationUnderTheApiIsPolledSoTheTokenGoesNowhereElse() {
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + API;
        ApiClient api = new ApiClient(URI.create(base), "hwp_test");
        assertThat(api.withinApi(API + "/allocations/alloc-1")).contains("allocations/alloc-1");
        assertThat(api.withinApi(base + "/allocations/alloc-1")).contains("allocations/alloc-1");
        assertThat(api.withinApi("http://elsewhere.example" + API + "/allocations/alloc-1"))
                .isEmpty();
        assertThat(api.withinApi(API + "/../../admin")).isEmpty();
        assertThat(api.withinApi("/other/allocations/alloc-1")).isEmpty();
        assertThat(api.withinApi(API + "/")).isEmpty();
    }

    /** Each prefix begins a line after the line the previous prefix began. */
    private static void assertInOrder(List<String> lines, String... prefixes) {
        int at = 0;
        for (String prefix : prefixes) {
            while (at < lines.size() && !lines.get(at).startsWith(prefix)) {
                at++;
            }
            assertThat(at)
                    .as("a line beginning '%s' in order in %s", prefix, lines)
                    .isLessThan(lines.size());
            at++;
        }
    }
}
