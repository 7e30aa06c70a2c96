package org.hwpersonality.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.hwpersonality.repository.internal.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Three distributions on one throw-away PostgreSQL database (issue 18): an {@code api}-only node with no cards, and
 * two {@code host} nodes, each simulating its own fleet under the same local device IDs (a slow card on one of
 * them). VMs with their tokens and the administrator on VMs' behalf send requests at once through the api node;
 * every programming runs on the node that owns the device (its own {@code karaf.log}). A host killed with {@code
 * kill -9} under load has its devices OFFLINE within its lease and a few seconds, loses nothing and holds nothing
 * twice, and once back is ONLINE with nothing left mid-step. The api node killed while a host programs for it: the
 * host finishes, and the restarted api node sees the allocation consistent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiHostIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ADMIN = Distribution.ADMIN;
    private static final String API = "mh-api";
    private static final String HOST_A = "mh-host-a";
    private static final String HOST_B = "mh-host-b";
    /** Cards per host with two partial U250 regions each; the same local IDs on both hosts. */
    private static final int CARDS = 3;

    private static final long LEASE_SECONDS = 10;

    /** Two kinds of request, both only on the partial U250 regions: regions change images, so they program. */
    private static final String[] BODIES = {
        "{\"workload\":\"compression\",\"requirements\":{\"minThroughputGops\":30}}", // zstd-u250-v1
        "{\"workload\":\"database-acceleration\",\"requirements\":{\"minThroughputGops\":50}}" // sqlfilter-u250
    };
    /** Only the Agilex IPsec profile meets this, and only host B has an Agilex card: a slow one. */
    private static final String SLOW_BODY =
            "{\"workload\":\"network-function\",\"requirements\":{\"minThroughputGops\":100}}";

    private static DataSource database;
    private static Distribution api;
    private static Distribution hostA;
    private static Distribution hostB;
    private static Fleet fleet;
    /** Every allocation acknowledged with 201 by the api node, in any test. */
    private static final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws Exception {
        PGSimpleDataSource ds = (PGSimpleDataSource) PostgresServer.get().newDatabase();
        database = ds;
        api = node(API, ds.getURL(), "api");
        hostA = node(HOST_A, ds.getURL(), "host");
        hostB = node(HOST_B, ds.getURL(), "host");
        // The api node has no cards of its own.
        api.withoutShippedFleets();
        // Answer 202 after 3 s instead of 30 when a host still programs (or is gone).
        api.setProperty("etc/org.hwpersonality.management.cfg", "programmingWaitMillis", "3000");
        // It reads the fleet the hosts record every 2 s instead of 10 (the load runs 8 s).
        api.setProperty("etc/org.hwpersonality.management.cfg", "deviceRefreshSeconds", "2");
        for (Distribution host : List.of(hostA, hostB)) {
            host.withoutShippedFleets();
            host.append("etc/org.hwpersonality.backend.sim.fleet-mh.cfg", partialU250Fleet());
            // Steps abandoned by a kill are reconciled 20 s later instead of 120 (the slowest programming takes 8 s).
            host.setProperty("etc/org.hwpersonality.management.cfg", "reconcileAfterSeconds", "20");
            host.setProperty("etc/org.hwpersonality.management.cfg", "reconcileEverySeconds", "2");
        }
        hostB.append("etc/org.hwpersonality.backend.sim.fleet-slow.cfg", slowAgilexFleet());

        // The api node first: it creates the schema and loads the samples; then both hosts at once.
        long t0 = System.nanoTime();
        api.start();
        api.awaitHealthy(Duration.ofSeconds(180));
        fleet = new Fleet(api.api());
        awaitDriver();
        hostA.start();
        hostB.start();
        hostA.awaitHealthy(Duration.ofSeconds(180));
        hostB.awaitHealthy(Duration.ofSeconds(180));
        awaitDevices(HOST_A, CARDS, "ONLINE", Duration.ofSeconds(60));
        awaitDevices(HOST_B, CARDS + 1, "ONLINE", Duration.ofSeconds(60));
        System.out.printf("three nodes up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    private static Distribution node(String name, String url, String roles) throws Exception {
        Distribution d = Distribution.copy(name);
        d.onPostgres(url);
        d.setProperty("etc/org.hwpersonality.node.cfg", "roles", roles);
        return d;
    }

    private static String partialU250Fleet() {
        return String.join(
                "\n",
                "idPrefix = sim-mh-",
                "devices = " + CARDS,
                "vendor = xilinx",
                "model = Simulated Alveo U250 (DFX shell, 2 regions)",
                "family = alveo-u250",
                "interfaceId = a7c3e1f0b25011ee8c900242ac120251",
                "regions = 2",
                "regionLuts = 400000",
                "regionRegisters = 800000",
                "regionBramBlocks = 600",
                "regionDsps = 2000",
                "regionMemoryMb = 8192",
                "setupMs = 20",
                "");
    }

    /** One Agilex card whose programming takes 8 s. */
    private static String slowAgilexFleet() {
        return String.join(
                "\n",
                "idPrefix = sim-slow-",
                "devices = 1",
                "vendor = intel",
                "model = Simulated Agilex F-series card (slow)",
                "family = agilex-f",
                "interfaceId = 5b8d0c3e6f1a4d2b9e7c1a2b3c4d5e6f",
                "regions = 1",
                "regionLuts = 900000",
                "regionRegisters = 1800000",
                "regionBramBlocks = 7000",
                "regionDsps = 4500",
                "regionMemoryMb = 16384",
                "setupMs = 8000",
                "");
    }

    @AfterAll
    static void stop() throws Exception {
        Exception first = null;
        for (Distribution d : new Distribution[] {api, hostA, hostB}) {
            try {
                if (d != null) {
                    d.stop();
                }
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        PostgresServer.stopNow();
        if (first != null) {
            throw first;
        }
    }

    @Test
    @Order(1)
    void theApiNodeSeesBothHostsWhoseLocalIdsCollide() throws Exception {
        Map<String, JsonNode> nodes = new HashMap<>();
        for (JsonNode n : fleet.get("nodes")) {
            nodes.put(n.path("id").asText(), n);
        }
        assertThat(nodes).containsOnlyKeys(API, HOST_A, HOST_B);
        assertThat(roles(nodes.get(API))).containsExactly("api");
        assertThat(roles(nodes.get(HOST_A))).containsExactly("host");
        assertThat(roles(nodes.get(HOST_B))).containsExactly("host");
        nodes.values()
                .forEach(n ->
                        assertThat(n.path("live").asBoolean()).as(n.toString()).isTrue());

        Map<String, Set<String>> localIds = new HashMap<>();
        for (JsonNode d : fleet.get("devices")) {
            String node = d.path("node").asText();
            assertThat(d.path("id").asText())
                    .isEqualTo(node + ":" + d.path("localId").asText());
            localIds.computeIfAbsent(node, k -> new HashSet<>())
                    .add(d.path("localId").asText());
        }
        assertThat(localIds).as("the api node records no devices").doesNotContainKey(API);
        assertThat(localIds.get(HOST_A)).as("the same local IDs on both hosts").isSubsetOf(localIds.get(HOST_B));
        assertThat(localIds.get(HOST_A)).hasSize(CARDS).allMatch(id -> id.startsWith("sim-mh-"));

        // A host-only node does not match.
        String[] vm = registerVms(1, "mh-refused-").get(0);
        HttpResponse<String> refused =
                send(hostA.api(), "POST", "personality-requests", "Bearer " + vm[1], BODIES[0], Duration.ofSeconds(30));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("no api role");
    }

    @Test
    @Order(2)
    void concurrentRequestsOfVmsAndTheAdministratorAreProgrammedWhereTheCardIs() throws Exception {
        Load load = new Load(registerVms(5, "mh-token-"), registerVms(5, "mh-admin-"));
        Load.Result r = load.run(Duration.ofSeconds(8), new AtomicBoolean());
        System.out.println("both API paths, 10 VMs for 8 s: " + r);
        assertThat(r.serverErrors.get()).as(r.errors.toString()).isZero();
        assertThat(r.ioErrors.get()).isZero();
        assertThat(r.byToken.get()).as("allocations for VMs with their tokens").isPositive();
        assertThat(r.byAdmin.get())
                .as("allocations by the administrator on VMs' behalf")
                .isPositive();
        acknowledged.addAll(r.acknowledged.keySet());

        // Every programming ran on the host that owns the card, seen in that host's own log.
        Map<String, String> logs = Map.of(API, log(api), HOST_A, log(hostA), HOST_B, log(hostB));
        Map<String, Integer> programmedOn = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Map.Entry<String, JsonNode> e : r.programmed.entrySet()) {
            String device = e.getValue().path("deviceId").asText();
            String owner = device.substring(0, device.indexOf(':'));
            String line =
                    "programmed " + device + "/" + e.getValue().path("regionId").asText() + " with "
                            + e.getValue().path("personalityId").asText() + " on node " + owner + " for allocation "
                            + e.getKey();
            while (!logs.get(owner).contains(line) && System.nanoTime() < deadline) {
                Thread.sleep(500); // the log is written asynchronously
                logs = Map.of(API, log(api), HOST_A, log(hostA), HOST_B, log(hostB));
            }
            assertThat(logs.get(owner)).as("the owner's log").contains(line);
            for (String other : List.of(API, HOST_A, HOST_B)) {
                if (!other.equals(owner)) {
                    assertThat(logs.get(other)).as(other + "'s log").doesNotContain("for allocation " + e.getKey());
                }
            }
            programmedOn.merge(owner, 1, Integer::sum);
        }
        System.out.println("programmings by owner, from the hosts' logs: " + programmedOn);
        assertThat(programmedOn).containsKeys(HOST_A, HOST_B);
        assertThat(fleet.problemsAfter(r.acknowledged.keySet())).isEmpty();
        assertThat(regionsHeldTwice()).isEmpty();
    }

    @Test
    @Order(3)
    void aHostKilledUnderLoadGoesOfflineLosesNothingAndComesBackReconciled() throws Exception {
        Load load = new Load(registerVms(5, "mh-kill-token-"), registerVms(5, "mh-kill-admin-"));
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Load.Result> running = CompletableFuture.supplyAsync(() -> {
            try {
                return load.run(Duration.ofSeconds(60), stop);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Load.Result r;
        long killedAt;
        long offlineMillis;
        long onBAtOffline;
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (load.onNode(HOST_A) < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(load.onNode(HOST_A))
                    .as("allocations on host A before the kill")
                    .isPositive();
            hostA.kill9();
            killedAt = System.nanoTime();
            long offlineDeadline = killedAt + Duration.ofSeconds(40).toNanos();
            while (!allDevices(HOST_A, "OFFLINE") && System.nanoTime() < offlineDeadline) {
                Thread.sleep(200);
            }
            offlineMillis = (System.nanoTime() - killedAt) / 1_000_000;
            onBAtOffline = load.onNode(HOST_B);
            Thread.sleep(4_000); // the load goes on with host A gone
        } finally {
            stop.set(true);
            r = running.get();
        }
        System.out.println("load across the kill of host A: " + r);
        System.out.printf("host A's devices OFFLINE %d ms after kill -9 (lease %d s)%n", offlineMillis, LEASE_SECONDS);
        System.out.printf(
                "allocations on host B's cards in the 4 s after host A's went OFFLINE: %d%n",
                load.onNode(HOST_B) - onBAtOffline);
        assertThat(allDevices(HOST_A, "OFFLINE")).as("host A's devices OFFLINE").isTrue();
        assertThat(offlineMillis).as("ms to OFFLINE").isLessThanOrEqualTo((LEASE_SECONDS + 6) * 1000);
        assertThat(allDevices(HOST_B, "ONLINE")).as("host B's devices stay").isTrue();
        assertThat(r.serverErrors.get()).as(r.errors.toString()).isZero();
        acknowledged.addAll(r.acknowledged.keySet());

        // While host A is gone: every acknowledged allocation is there, consistent, and no region is held twice.
        for (String id : r.acknowledged.keySet()) {
            HttpResponse<String> a = fleet.send("GET", "allocations/" + id);
            assertThat(a.statusCode()).as("acknowledged allocation " + id).isEqualTo(200);
            assertThat(JSON.readTree(a.body()).path("status").asText()).as(id).isIn("ACTIVE", "RELEASED", "RELEASING");
        }
        assertThat(regionsHeldTwice()).isEmpty();

        try {
            long restartAt = System.nanoTime();
            hostA.start();
            Duration up = hostA.awaitHealthy(Duration.ofSeconds(120));
            awaitDevices(HOST_A, CARDS, "ONLINE", Duration.ofSeconds(60));
            long onlineMillis = (System.nanoTime() - restartAt) / 1_000_000;
            System.out.printf(
                    "host A UP %d ms after its restart, its devices ONLINE after %d ms%n", up.toMillis(), onlineMillis);

            // Reconciled: nothing left RESERVED or PROGRAMMING, every pending answer settled, nothing held twice.
            assertThat(fleet.problemsAfter(acknowledged)).isEmpty();
            Map<String, Integer> pendingOutcome = new HashMap<>();
            for (String id : r.pending) {
                String status = JSON.readTree(
                                fleet.send("GET", "allocations/" + id).body())
                        .path("status")
                        .asText();
                pendingOutcome.merge(status, 1, Integer::sum);
                assertThat(status).as("a 202 answer, later").isIn("ACTIVE", "FAILED", "RELEASED");
            }
            System.out.println("202 answers, after host A returned: " + pendingOutcome);
            assertThat(log(hostA))
                    .as("the returning host's reconciler left the tasks queued for it to its task worker")
                    .doesNotContain("is ACTIVE now, not PROGRAMMING");
            assertThat(regionsHeldTwice()).isEmpty();
            try (Connection c = database.getConnection();
                    PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM HWP_ALLOCATION a JOIN HWP_DEVICE d"
                            + " ON a.DEVICE_ID = d.ID WHERE d.NODE_ID = ? AND a.STATE IN ('RESERVED','PROGRAMMING')")) {
                s.setString(1, HOST_A);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1))
                            .as("host A's allocations mid-step")
                            .isZero();
                }
            }
        } finally {
            releaseAll(r); // the next tests start from a fleet with nothing held
        }
    }

    @Test
    @Order(4)
    void theApiNodeKilledWhileAHostProgramsForIt() throws Exception {
        String[] vm = registerVms(1, "mh-slow-").get(0);
        CompletableFuture<HttpResponse<String>> request = HTTP.sendAsync(
                HttpRequest.newBuilder(api.api().resolve("personality-requests"))
                        .header("Authorization", "Bearer " + vm[1])
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(SLOW_BODY))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        // The host claims the task (it programs for 8 s); the api node waits for it, and is killed.
        Optional<String[]> task = Optional.empty();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (task.isEmpty() && System.nanoTime() < deadline) {
            task = claimedTask(HOST_B + ":sim-slow-");
            Thread.sleep(50);
        }
        assertThat(task).as("host B claimed the slow programming").isPresent();
        String allocation = task.get()[0];
        api.kill9();
        assertThat(request).as("the request was never answered").failsWithin(Duration.ofSeconds(10));

        // The host finishes on its own and says so in its log.
        String line = "on node " + HOST_B + " for allocation " + allocation;
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!taskFinished(allocation) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(taskFinished(allocation))
                .as("the task finished without the api node")
                .isTrue();
        long finishedAt = System.nanoTime();
        while (!log(hostB).contains(line)
                && System.nanoTime() < finishedAt + Duration.ofSeconds(5).toNanos()) {
            Thread.sleep(200); // the log is written asynchronously
        }

        api.start();
        api.awaitHealthy(Duration.ofSeconds(120));
        JsonNode a =
                JSON.readTree(fleet.send("GET", "allocations/" + allocation).body());
        String status = a.path("status").asText();
        JsonNode region = region(a.path("deviceId").asText(), a.path("regionId").asText());
        System.out.printf(
                "the allocation the killed api node waited for is %s; its region %s is %s%n",
                status, a.path("deviceId").asText() + "/" + a.path("regionId").asText(), region.path("state"));
        if (status.equals("ACTIVE")) {
            assertThat(log(hostB)).contains(line);
            assertThat(region.path("state").asText()).isEqualTo("ACTIVE");
            assertThat(region.toString()).contains(a.path("personalityId").asText());
        } else {
            assertThat(status).isEqualTo("FAILED");
            assertThat(region.path("state").asText()).isEqualTo("FREE");
        }
        assertThat(log(hostA)).doesNotContain("for allocation " + allocation);
        assertThat(fleet.problemsAfter(acknowledged)).isEmpty();
        assertThat(regionsHeldTwice()).isEmpty();
    }

    /**
     * Issue 19, where a VM runs: a VM registered with a host is given devices of that host only, through the api
     * node; moved to the other host (a migration), of that one; an unknown host, a node without the host role or a
     * domain a command line would misread is refused naming the field, and nothing is registered or changed.
     */
    @Test
    @Order(5)
    void aVmRegisteredWithAHostIsGivenOnlyThatHostsDevices() throws Exception {
        int vmsBefore = fleet.get("vms").size();
        for (String[] bad : new String[][] {
            {"\"host\":\"mh-host-z\"", "not a node of this installation: mh-host-z"},
            {"\"host\":\"" + API + "\"", API + " has no host role"},
            {"\"host\":\"" + HOST_B + "\",\"domain\":\"--help\"", "must not start with '-'"},
            {"\"host\":42", "must be a string"}
        }) {
            HttpResponse<String> r = send(
                    api.api(),
                    "POST",
                    "vms",
                    ADMIN,
                    "{\"name\":\"mh-bad\",\"os\":{\"family\":\"linux\"}," + bad[0] + "}",
                    Duration.ofSeconds(30));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            JsonNode error = JSON.readTree(r.body());
            assertThat(error.path("error").asText()).isEqualTo("INVALID_REQUEST");
            assertThat(error.path("message").asText())
                    .as("names the field and the reason")
                    .matches("(host|domain): .*")
                    .contains(bad[1]);
        }
        assertThat(fleet.get("vms").size()).as("nothing registered").isEqualTo(vmsBefore);

        List<String[]> onB = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = send(
                    api.api(),
                    "POST",
                    "vms",
                    ADMIN,
                    "{\"name\":\"mh-on-b-" + i + "\",\"os\":{\"family\":\"linux\",\"kernel\":\"5.15.0\"},"
                            + "\"host\":\"" + HOST_B + "\",\"domain\":\"instance-0000b0" + i + "\"}",
                    Duration.ofSeconds(30));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            JsonNode vm = JSON.readTree(r.body());
            assertThat(vm.path("vm").path("host").asText()).isEqualTo(HOST_B);
            assertThat(vm.path("vm").path("domain").asText()).isEqualTo("instance-0000b0" + i);
            onB.add(new String[] {vm.path("vmId").asText(), vm.path("token").asText()});
        }
        // Host A's regions are as free as host B's: only the VMs' host decides.
        for (int round = 0; round < 4; round++) {
            for (String[] vm : onB) {
                assertThat(requestAndRelease(vm)).startsWith(HOST_B + ":");
            }
        }

        // Migrated to host A: the domain stays, the host changes, and so do the devices it is given.
        String[] moved = onB.get(0);
        HttpResponse<String> patched = send(
                api.api(), "PATCH", "vms/" + moved[0], ADMIN, "{\"host\":\"" + HOST_A + "\"}", Duration.ofSeconds(30));
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        JsonNode now = JSON.readTree(fleet.send("GET", "vms/" + moved[0]).body());
        assertThat(now.path("host").asText()).isEqualTo(HOST_A);
        assertThat(now.path("domain").asText()).isEqualTo("instance-0000b00");
        for (int round = 0; round < 3; round++) {
            assertThat(requestAndRelease(moved)).startsWith(HOST_A + ":");
        }
        HttpResponse<String> unknown =
                send(api.api(), "PATCH", "vms/" + moved[0], ADMIN, "{\"host\":\"mh-host-z\"}", Duration.ofSeconds(30));
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(400);
        assertThat(unknown.body()).contains("mh-host-z");
        HttpResponse<String> asVm = send(
                api.api(),
                "PATCH",
                "vms/" + moved[0],
                "Bearer " + moved[1],
                "{\"host\":\"" + HOST_B + "\"}",
                Duration.ofSeconds(30));
        assertThat(asVm.statusCode()).as("a VM does not move itself").isEqualTo(403);
        assertThat(JSON.readTree(fleet.send("GET", "vms/" + moved[0]).body())
                        .path("host")
                        .asText())
                .isEqualTo(HOST_A);
        assertThat(fleet.problemsAfter(acknowledged)).isEmpty();
        assertThat(regionsHeldTwice()).isEmpty();
    }

    /** A compression request of a VM with its token, released at once; the device it was given. */
    private static String requestAndRelease(String[] vm) throws Exception {
        HttpResponse<String> r =
                send(api.api(), "POST", "personality-requests", "Bearer " + vm[1], BODIES[0], Duration.ofSeconds(60));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode answer = JSON.readTree(r.body());
        String allocation = answer.path("allocationId").asText();
        acknowledged.add(allocation);
        HttpResponse<String> released = fleet.send("DELETE", "allocations/" + allocation);
        assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
        return answer.path("device").path("id").asText();
    }

    // The load: VMs with their tokens and the administrator on VMs' behalf, at once.

    /** Request, then release, as fast as the api node answers; a 202 answer stops that VM (it waits for it). */
    private static final class Load {
        static final Duration HOLD = Duration.ofMillis(300);
        private final List<String[]> byToken;
        private final List<String[]> byAdmin;
        private final Map<String, AtomicLong> perNode = new ConcurrentHashMap<>();

        Load(List<String[]> byToken, List<String[]> byAdmin) {
            this.byToken = byToken;
            this.byAdmin = byAdmin;
        }

        long onNode(String node) {
            return perNode.getOrDefault(node, new AtomicLong()).get();
        }

        static final class Result {
            final AtomicLong byToken = new AtomicLong();
            final AtomicLong byAdmin = new AtomicLong();
            final AtomicLong noCapacity = new AtomicLong();
            final AtomicLong clientErrors = new AtomicLong();
            final AtomicLong serverErrors = new AtomicLong();
            final AtomicLong ioErrors = new AtomicLong();
            final AtomicLong releases = new AtomicLong();
            /** Acknowledged (201) allocations by ID. */
            final Map<String, JsonNode> acknowledged = new ConcurrentHashMap<>();
            /** Acknowledged allocations whose region was programmed for them. */
            final Map<String, JsonNode> programmed = new ConcurrentHashMap<>();
            /** Allocations answered 202 (still PROGRAMMING). */
            final Set<String> pending = ConcurrentHashMap.newKeySet();
            /** Allocations still held by a VM when the load stopped. */
            final Map<String, String> held = new ConcurrentHashMap<>();

            final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());

            @Override
            public String toString() {
                return String.format(
                        "%d allocations for VMs with tokens, %d by the administrator, %d programmed, %d releases;"
                                + " 202: %d, 503: %d, other 4xx: %d, 5xx: %d, I/O errors: %d%s",
                        byToken.get(),
                        byAdmin.get(),
                        programmed.size(),
                        releases.get(),
                        pending.size(),
                        noCapacity.get(),
                        clientErrors.get(),
                        serverErrors.get(),
                        ioErrors.get(),
                        errors.isEmpty() ? "" : "; first errors: " + errors);
            }
        }

        Result run(Duration time, AtomicBoolean stop) throws InterruptedException {
            Result r = new Result();
            long end = System.nanoTime() + time.toNanos();
            List<Thread> threads = new ArrayList<>();
            int i = 0;
            for (String[] vm : byToken) {
                threads.add(vmThread(vm, false, i++, end, stop, r));
            }
            for (String[] vm : byAdmin) {
                threads.add(vmThread(vm, true, i++, end, stop, r));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join(time.toMillis() + 60_000);
            }
            return r;
        }

        /**
         * One VM's cycles: request, hold the allocation {@link #HOLD} (so that the VMs overlap and fill more than
         * one host), release. A VM answered 202 waits for its programming (the test looks at it later): the thread
         * goes on as a newly registered VM.
         */
        private Thread vmThread(String[] first, boolean admin, int n, long end, AtomicBoolean stop, Result r) {
            Thread t = new Thread(
                    () -> {
                        String[] vm = first;
                        int cycle = n;
                        while (System.nanoTime() < end && !stop.get()) {
                            String auth = admin ? ADMIN : "Bearer " + vm[1];
                            String body = BODIES[cycle++ % BODIES.length];
                            if (admin) {
                                body = "{\"vmId\":\"" + vm[0] + "\"," + body.substring(1);
                            }
                            try {
                                HttpResponse<String> answer = send(
                                        api.api(), "POST", "personality-requests", auth, body, Duration.ofSeconds(60));
                                int status = answer.statusCode();
                                if (status == 202) {
                                    r.pending.add(JSON.readTree(answer.body())
                                            .path("allocationId")
                                            .asText());
                                    vm = registerVms(1, "mh-next-" + cycle + "-")
                                            .get(0);
                                } else if (status == 201) {
                                    JsonNode a = JSON.readTree(answer.body());
                                    String id = a.path("allocationId").asText();
                                    (admin ? r.byAdmin : r.byToken).incrementAndGet();
                                    r.acknowledged.put(id, a);
                                    String device = a.path("deviceId").asText();
                                    perNode.computeIfAbsent(
                                                    device.substring(0, device.indexOf(':')), k -> new AtomicLong())
                                            .incrementAndGet();
                                    if (a.path("reconfiguration")
                                            .path("performed")
                                            .asBoolean()) {
                                        r.programmed.put(id, a);
                                    }
                                    r.held.put(vm[0], id);
                                    Thread.sleep(HOLD.toMillis());
                                    HttpResponse<String> d = send(
                                            api.api(),
                                            "DELETE",
                                            "allocations/" + id,
                                            auth,
                                            null,
                                            Duration.ofSeconds(60));
                                    if (d.statusCode() == 200) {
                                        r.releases.incrementAndGet();
                                        r.held.remove(vm[0]);
                                    } else {
                                        count(d, r);
                                    }
                                } else {
                                    count(answer, r);
                                    Thread.sleep(100);
                                }
                            } catch (InterruptedException e) {
                                return;
                            } catch (Exception e) {
                                r.ioErrors.incrementAndGet();
                                if (r.errors.size() < 5) {
                                    r.errors.add(e.toString());
                                }
                            }
                        }
                    },
                    "mh-vm-" + first[0]);
            t.setDaemon(true);
            return t;
        }

        private static void count(HttpResponse<String> answer, Result r) {
            int status = answer.statusCode();
            (status == 503 ? r.noCapacity : status >= 500 ? r.serverErrors : r.clientErrors).incrementAndGet();
            if (status != 503 && r.errors.size() < 5) {
                r.errors.add(status + " " + answer.body());
            }
        }
    }

    // Helpers

    private static void releaseAll(Load.Result r) throws Exception {
        Set<String> ids = new HashSet<>(r.held.values());
        ids.addAll(r.pending);
        for (String id : ids) {
            fleet.send("DELETE", "allocations/" + id);
        }
    }

    private static List<String> roles(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.path("roles").forEach(x -> out.add(x.asText()));
        return out;
    }

    private static List<String[]> registerVms(int n, String prefix) throws Exception {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = send(
                    api.api(),
                    "POST",
                    "vms",
                    ADMIN,
                    "{\"name\":\"" + prefix + i + "\",\"os\":{\"family\":\"linux\",\"kernel\":\"5.15.0\"}}",
                    Duration.ofSeconds(30));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            JsonNode vm = JSON.readTree(r.body());
            out.add(new String[] {vm.path("vmId").asText(), vm.path("token").asText()});
        }
        return out;
    }

    static HttpResponse<String> send(URI base, String method, String path, String auth, String body, Duration timeout)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", auth)
                .timeout(timeout);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String log(Distribution d) throws Exception {
        Path log = d.home().resolve("data/log/karaf.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    private static void awaitDriver() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (fleet.send("GET", "drivers?personalityId=zstd-u250-v1&os=linux&kernel=5.15.0")
                        .statusCode()
                != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the sample drivers are not there after 60 s");
            }
            Thread.sleep(200);
        }
    }

    private static List<JsonNode> devicesOf(String node) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode d : fleet.get("devices")) {
            if (d.path("node").asText().equals(node)) {
                out.add(d);
            }
        }
        return out;
    }

    private static boolean allDevices(String node, String state) throws Exception {
        List<JsonNode> devices = devicesOf(node);
        return !devices.isEmpty()
                && devices.stream().allMatch(d -> d.path("state").asText().equals(state));
    }

    private static void awaitDevices(String node, int count, String state, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (devicesOf(node).size() < count || !allDevices(node, state)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the " + count + " devices of " + node + " are not " + state + " after "
                        + max.toSeconds() + " s: " + devicesOf(node));
            }
            Thread.sleep(200);
        }
    }

    private static JsonNode region(String device, String region) throws Exception {
        for (JsonNode r : fleet.get("devices/" + device).path("regions")) {
            if (r.path("id").asText().equals(region)) {
                return r;
            }
        }
        throw new IllegalStateException("no region " + device + "/" + region);
    }

    /** {allocation, task state} of a task CLAIMED on a device whose ID begins with {@code devicePrefix}. */
    private static Optional<String[]> claimedTask(String devicePrefix) throws Exception {
        try (Connection c = database.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT ALLOCATION_ID, STATE FROM HWP_TASK WHERE DEVICE_ID LIKE ? AND STATE = 'CLAIMED'")) {
            s.setString(1, devicePrefix + "%");
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getString(2)}) : Optional.empty();
            }
        }
    }

    private static boolean taskFinished(String allocation) throws Exception {
        try (Connection c = database.getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT STATE FROM HWP_TASK WHERE ALLOCATION_ID = ? AND STATE <> 'QUEUED'"
                                + " AND STATE <> 'CLAIMED'")) {
            s.setString(1, allocation);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Regions that two allocations hold, straight from the database. */
    private static List<String> regionsHeldTwice() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = database.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT DEVICE_ID, REGION_ID, COUNT(*) FROM HWP_ALLOCATION"
                        + " WHERE STATE IN ('RESERVED','PROGRAMMING','ACTIVE','RELEASING')"
                        + " GROUP BY DEVICE_ID, REGION_ID HAVING COUNT(*) > 1")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "/" + rs.getString(2) + " x" + rs.getLong(3));
            }
        }
        return out;
    }
}
