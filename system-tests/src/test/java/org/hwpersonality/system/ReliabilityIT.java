package org.hwpersonality.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.hwpersonality.benchmarks.load.LoadGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The distribution under load from many simulated VMs, on a fleet whose programming fails 10 % of the time, then
 * killed with {@code kill -9} under that load and restarted, {@code hwp.crash.cycles} times: every allocation
 * acknowledged to a client is still there, no region is held twice, none is left mid-step, and the service is back
 * within seconds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ADMIN =
            "Basic " + Base64.getEncoder().encodeToString("karaf:karaf".getBytes(StandardCharsets.UTF_8));
    private static final Set<String> MID_STEP = Set.of("RESERVED", "PROGRAMMING", "RELEASING");
    private static final Set<String> HOLDING = Set.of("RESERVED", "PROGRAMMING", "ACTIVE", "RELEASING");

    private static Distribution node;
    private static LoadGenerator load;
    private static List<String[]> vms;

    @BeforeAll
    static void start() throws Exception {
        node = Distribution.copy("dist-reliability");
        // 64 cards with two partial regions, programming takes no time, and fails one time in ten.
        node.append(
                "etc/org.hwpersonality.backend.sim.fleet-load.cfg",
                String.join(
                        "\n",
                        "idPrefix = sim-load-",
                        "devices = 64",
                        "family = alveo-u250",
                        "interfaceId = a7c3e1f0b25011ee8c900242ac120251",
                        "regions = 2",
                        "regionLuts = 400000",
                        "regionRegisters = 800000",
                        "regionBramBlocks = 600",
                        "regionDsps = 2000",
                        "regionMemoryMb = 8192",
                        "portBandwidthMBps = 1000000000",
                        "setupMs = 0",
                        "failureProbability = 0.1",
                        ""));
        // Abandoned steps are reconciled after 3 s instead of 120 (nothing here programs for longer).
        node.setProperty("etc/org.hwpersonality.management.cfg", "reconcileAfterSeconds", "3");
        node.setProperty("etc/org.hwpersonality.management.cfg", "reconcileEverySeconds", "1");
        node.start();
        node.awaitHealthy(Duration.ofSeconds(180));
        // On a first start the sample drivers and the simulated cards arrive just after the API reports UP.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (send("GET", "drivers?personalityId=zstd-u250-v1&os=linux&kernel=5.15.0")
                                .statusCode()
                        != 200
                || get("devices").size() < 75) {
            assertThat(System.nanoTime()).as("samples and fleet in place").isLessThan(deadline);
            Thread.sleep(200);
        }
        load = new LoadGenerator(node.api(), "karaf:karaf");
        vms = load.register(32, "rel-");
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.stop();
        }
    }

    @Test
    @Order(1)
    void underLoadWithTenPercentFaultsEveryRequestSucceedsOrFailsCleanly() throws Exception {
        LoadGenerator.Result r = load.run(vms, "compression", Duration.ofSeconds(8), 4, new AtomicBoolean());
        System.out.println("faults at 10 %: " + r);
        assertThat(r.allocations()).isPositive();
        assertThat(r.repersonalizations()).isPositive();
        assertThat(r.serverErrors()).as(r.firstErrors().toString()).isZero();
        assertThat(r.ioErrors()).isZero();
        assertThat(r.clientErrors()).as(r.firstErrors().toString()).isZero();
        assertConsistent(r.acknowledged());
        long failed = 0;
        for (JsonNode a : get("allocations?limit=1000")) {
            failed += a.path("status").asText().equals("FAILED") ? 1 : 0;
        }
        System.out.println("FAILED allocations (programming faults rolled back) among the newest 1000: " + failed);
        assertThat(failed).as("programming did fail, and was rolled back").isPositive();
    }

    @Test
    @Order(2)
    void killMinus9UnderLoadLosesNothingCommitted() throws Exception {
        int cycles = Integer.getInteger("hwp.crash.cycles", 20);
        Random random = new Random(9);
        List<Long> restarts = new ArrayList<>();
        long acknowledged = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<LoadGenerator.Result> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return load.run(vms, "compression", Duration.ofSeconds(60), 4, stop);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            // Killed while the load runs: 0.2 to 1.5 s after it got its first allocation acknowledged.
            long before = load.acknowledgedSoFar.get();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (load.acknowledgedSoFar.get() == before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200 + random.nextInt(1300));
            node.kill9();
            stop.set(true);
            LoadGenerator.Result r = running.get();
            assertThat(r.allocations())
                    .as("cycle " + cycle + ": load ran before the kill")
                    .isPositive();
            node.start();
            Duration back = node.awaitHealthy(Duration.ofSeconds(120));
            restarts.add(back.toMillis());
            assertConsistent(r.acknowledged());
            acknowledged += r.acknowledged().size();
        }
        restarts.sort(null);
        System.out.printf(
                "%d kill -9 cycles, %d acknowledged allocations checked; restart to UP: median %d ms, max %d ms%n",
                cycles, acknowledged, restarts.get(restarts.size() / 2), restarts.get(restarts.size() - 1));
        assertThat(restarts.get(restarts.size() / 2)).as("median restart, ms").isLessThanOrEqualTo(15_000L);
    }

    /**
     * Every acknowledged allocation exists; once reconciliation has run, no allocation or region is mid-step; no
     * region is held by two allocations; every ACTIVE region has its one ACTIVE allocation and the other way round.
     */
    private static void assertConsistent(Set<String> acknowledged) throws Exception {
        for (String id : acknowledged) {
            HttpResponse<String> r = send("GET", "allocations/" + id);
            assertThat(r.statusCode()).as("acknowledged allocation " + id).isEqualTo(200);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> problems;
        do {
            problems = problems();
            if (problems.isEmpty()) {
                return;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        assertThat(problems).as("after 30 s of reconciliation").isEmpty();
    }

    private static List<String> problems() throws Exception {
        List<String> problems = new ArrayList<>();
        Map<String, String> holder = new HashMap<>();
        Map<String, String> activeAllocation = new HashMap<>();
        for (JsonNode a : get("allocations?limit=1000")) {
            String status = a.path("status").asText();
            String region =
                    a.path("deviceId").asText() + "/" + a.path("regionId").asText();
            if (MID_STEP.contains(status)) {
                problems.add(a.path("allocationId").asText() + " is " + status);
            }
            if (HOLDING.contains(status)) {
                String other = holder.put(region, a.path("allocationId").asText());
                if (other != null) {
                    problems.add(region + " is held by " + other + " and "
                            + a.path("allocationId").asText());
                }
            }
            if (status.equals("ACTIVE")) {
                activeAllocation.put(region, a.path("allocationId").asText());
            }
        }
        for (JsonNode d : get("devices")) {
            for (JsonNode r : d.path("regions")) {
                String region = d.path("id").asText() + "/" + r.path("id").asText();
                String state = r.path("state").asText();
                if (state.equals("RESERVED") || state.equals("PROGRAMMING")) {
                    problems.add("region " + region + " is " + state);
                }
                if (state.equals("ACTIVE") != activeAllocation.containsKey(region)) {
                    problems.add("region " + region + " is " + state + " but its ACTIVE allocation is "
                            + activeAllocation.getOrDefault(region, "none"));
                }
            }
        }
        return problems;
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = send("GET", path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(node.api() + path))
                        .header("Authorization", ADMIN)
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
