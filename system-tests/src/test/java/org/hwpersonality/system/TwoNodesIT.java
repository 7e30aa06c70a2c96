package org.hwpersonality.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.hwpersonality.benchmarks.load.LoadGenerator;
import org.hwpersonality.repository.internal.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two distributions sharing one PostgreSQL database (a throw-away server started by the test), each a node with the
 * api and host roles and its own simulated fleet (the same local device IDs, told apart by the node), hammered at
 * once: every request may land on either node's cards (programmed by the card's node), no region is ever held by two
 * allocations, both nodes agree, and the throughput of two nodes is reported against one.
 */
class TwoNodesIT {
    private static DataSource database;
    private static Distribution a;
    private static Distribution b;

    @BeforeAll
    static void start() throws Exception {
        PGSimpleDataSource ds = (PGSimpleDataSource) PostgresServer.get().newDatabase();
        database = ds;
        a = node("dist-node-a", ds.getURL());
        b = node("dist-node-b", ds.getURL());
        a.start(); // the first node creates the schema and the samples
        a.awaitHealthy(Duration.ofSeconds(180));
        new Fleet(a.api()).awaitSamplesAndCards(75);
        bStartsBeforeItsDatabaseAnswersAndServesOnceItDoes(ds.getURL());
        // Each node records its own 75 cards: both see the 150.
        new Fleet(b.api()).awaitSamplesAndCards(150);
        new Fleet(a.api()).awaitSamplesAndCards(150);
    }

    /**
     * Issue 24, the database away: node b is pointed at a port where the database does not answer yet. Its API is
     * there all the same and says DOWN with the reason; once the database answers, b takes it up by itself.
     */
    private static void bStartsBeforeItsDatabaseAnswersAndServesOnceItDoes(String url) throws Exception {
        int postgres = java.net.URI.create(url.substring("jdbc:".length())).getPort();
        forwarder = new TcpForwarder(postgres);
        b.onPostgres(url.replace(":" + postgres + "/", ":" + forwarder.port() + "/"));
        b.start();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.net.http.HttpResponse<String> live = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                live = http.send(
                        java.net.http.HttpRequest.newBuilder(b.api().resolve("health/live"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                if (live.statusCode() == 200) {
                    break;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        assertThat(live).as("the API is there without its database").isNotNull();
        assertThat(live.statusCode()).isEqualTo(200);
        java.net.http.HttpResponse<String> health = http.send(
                java.net.http.HttpRequest.newBuilder(b.api().resolve("health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
        assertThat(json.readTree(health.body()).path("status").asText()).isEqualTo("DOWN");
        assertThat(health.headers().firstValue("Retry-After")).isPresent();
        // The first attempt gives up after the pool's connection timeout (HikariCP's 30 s): then the reason is known.
        Fleet asAdmin = new Fleet(b.api());
        String reason = "";
        deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!reason.contains("the database does not answer") && System.nanoTime() < deadline) {
            java.net.http.HttpResponse<String> why = asAdmin.send("GET", "health");
            assertThat(why.statusCode()).as(why.body()).isEqualTo(503);
            reason = json.readTree(why.body())
                    .path("parts")
                    .path("database")
                    .path("message")
                    .asText();
            Thread.sleep(1000);
        }
        assertThat(reason).contains("the database does not answer").containsIgnoringCase("connect");
        java.net.http.HttpResponse<String> profiles = asAdmin.send("GET", "profiles");
        assertThat(profiles.statusCode()).as(profiles.body()).isEqualTo(503);
        assertThat(json.readTree(profiles.body()).path("error").asText()).isEqualTo("UNAVAILABLE");

        forwarder.start(); // the database answers now
        Duration took = b.awaitHealthy(Duration.ofSeconds(180));
        System.out.println("node b served " + took.toSeconds() + " s after its database came up");
    }

    private static TcpForwarder forwarder;

    private static Distribution node(String name, String url) throws Exception {
        Distribution d = Distribution.copy(name);
        d.onPostgres(url);
        d.withoutLearning();
        d.append("etc/org.hwpersonality.backend.sim.fleet-load.cfg", Fleet.loadFleet(0));
        return d;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (Distribution d : new Distribution[] {a, b}) {
                if (d != null) {
                    d.stop();
                }
            }
        } finally {
            if (forwarder != null) {
                forwarder.close();
            }
            PostgresServer.stopNow();
        }
    }

    @Test
    void twoNodesNeverAllocateARegionTwice() throws Exception {
        LoadGenerator onA = new LoadGenerator(a.api(), Distribution.ADMIN_CREDENTIALS);
        LoadGenerator onB = new LoadGenerator(b.api(), Distribution.ADMIN_CREDENTIALS);
        List<String[]> vmsA = onA.register(32, "node-a-");
        List<String[]> vmsB = onB.register(32, "node-b-");
        Duration time = Duration.ofSeconds(8);

        // One node alone with all 64 VMs.
        List<String[]> all = new java.util.ArrayList<>(vmsA);
        all.addAll(vmsB);
        LoadGenerator.Result alone = onA.run(all, "compression", time, 4, new AtomicBoolean());
        System.out.println("one node, 64 VMs: " + alone);

        // Both nodes at once, 32 VMs each, on the same regions (either node's cards).
        CompletableFuture<LoadGenerator.Result> first = CompletableFuture.supplyAsync(() -> run(onA, vmsA, time));
        LoadGenerator.Result second = run(onB, vmsB, time);
        LoadGenerator.Result firstResult = first.get();
        System.out.println("node A of two: " + firstResult);
        System.out.println("node B of two: " + second);
        double together = firstResult.allocationsPerSecond() + second.allocationsPerSecond();
        System.out.printf("allocations/s: one node %.0f, two nodes %.0f%n", alone.allocationsPerSecond(), together);

        for (LoadGenerator.Result r : List.of(alone, firstResult, second)) {
            assertThat(r.serverErrors()).as(r.firstErrors().toString()).isZero();
            assertThat(r.ioErrors()).isZero();
            assertThat(r.allocations()).isPositive();
        }
        Set<String> acknowledged = new HashSet<>(firstResult.acknowledged());
        acknowledged.addAll(second.acknowledged());
        assertThat(new Fleet(a.api()).problemsAfter(acknowledged))
                .as("seen from node A")
                .isEmpty();
        assertThat(new Fleet(b.api()).problemsAfter(Set.of()))
                .as("seen from node B")
                .isEmpty();

        // And in the database itself: no region with two allocations that hold it.
        try (Connection c = database.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT DEVICE_ID, REGION_ID, COUNT(*) FROM HWP_ALLOCATION"
                        + " WHERE STATE IN ('RESERVED','PROGRAMMING','ACTIVE','RELEASING')"
                        + " GROUP BY DEVICE_ID, REGION_ID HAVING COUNT(*) > 1")) {
            assertThat(rs.next()).as("a region held twice").isFalse();
        }
        try (Connection c = database.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM HWP_ALLOCATION")) {
            rs.next();
            assertThat(rs.getLong(1))
                    .as("every allocation of both nodes is in the one database")
                    .isGreaterThanOrEqualTo(alone.allocations() + firstResult.allocations() + second.allocations());
        }
    }

    private static LoadGenerator.Result run(LoadGenerator load, List<String[]> vms, Duration time) {
        try {
            return load.run(vms, "compression", time, 4, new AtomicBoolean());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
