package org.hwpersonality.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.hwpersonality.benchmarks.load.LoadGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code kill -9} while a region is being programmed (programming takes 4 s on this fleet): the request is never
 * acknowledged, and after the restart the allocation is not left PROGRAMMING, the region is not stuck, and the
 * same VM is served again. And a backup taken while the node serves brings back, onto a node whose database is
 * gone, exactly what the installation held at the backup.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KillDuringProgrammingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Distribution node;
    private static Fleet fleet;

    @BeforeAll
    static void start() throws Exception {
        node = Distribution.copy("dist-kill-programming");
        // The only partial U55C regions: four cards whose programming takes 4 s.
        // (No cards in the shipped U55C DFX fleet: a deleted file would be written again by the first start.)
        node.setProperty("etc/org.hwpersonality.backend.sim.fleet-u55c-pr.cfg", "devices", "0");
        node.append(
                "etc/org.hwpersonality.backend.sim.fleet-slow.cfg",
                String.join(
                        "\n",
                        "idPrefix = sim-slow-",
                        "devices = 4",
                        "family = alveo-u55c",
                        "interfaceId = a7c3e1f0b25011ee8c900242ac12055d",
                        "regions = 2",
                        "regionLuts = 300000",
                        "regionRegisters = 600000",
                        "regionBramBlocks = 400",
                        "regionDsps = 2000",
                        "regionMemoryMb = 4096",
                        "setupMs = 4000",
                        ""));
        node.setProperty("etc/org.hwpersonality.management.cfg", "reconcileAfterSeconds", "3");
        node.setProperty("etc/org.hwpersonality.management.cfg", "reconcileEverySeconds", "1");
        node.start();
        node.awaitHealthy(Duration.ofSeconds(180));
        fleet = new Fleet(node.api());
        fleet.awaitSamplesAndCards(14);
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.stop();
        }
    }

    @Test
    @Order(1)
    void aKillDuringProgrammingLeavesNothingStuck() throws Exception {
        LoadGenerator load = new LoadGenerator(node.api(), Distribution.ADMIN_CREDENTIALS);
        String[] vm = load.register(1, "kill-prog-").get(0);
        // Only lz4-u55c-v1 (55 GOPS) meets 50 GOPS: it goes to a slow U55C region.
        String body = "{\"workload\":\"compression\",\"requirements\":{\"minThroughputGops\":50}}";
        CompletableFuture<HttpResponse<String>> request = HTTP.sendAsync(
                HttpRequest.newBuilder(node.api().resolve("personality-requests"))
                        .header("Authorization", "Bearer " + vm[1])
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

        String programming = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (programming == null && System.nanoTime() < deadline) {
            for (JsonNode d : fleet.get("devices")) {
                for (JsonNode r : d.path("regions")) {
                    if (r.path("state").asText().equals("PROGRAMMING")) {
                        programming = d.path("id").asText() + "/" + r.path("id").asText();
                    }
                }
            }
            Thread.sleep(50);
        }
        assertThat(programming).as("a region is being programmed").contains(":sim-slow-");
        node.kill9();
        assertThat(request).as("the request was never acknowledged").failsWithin(Duration.ofSeconds(10));

        node.start();
        node.awaitHealthy(Duration.ofSeconds(120));
        assertThat(fleet.problemsAfter(Set.of()))
                .as("nothing left mid-step or held twice")
                .isEmpty();
        List<String> states = new java.util.ArrayList<>();
        for (JsonNode a : fleet.get("allocations?vmId=" + vm[0])) {
            states.add(a.path("status").asText());
        }
        assertThat(states).as("the interrupted allocation").containsExactly("FAILED");

        HttpResponse<String> again = HTTP.send(
                HttpRequest.newBuilder(node.api().resolve("personality-requests"))
                        .header("Authorization", "Bearer " + vm[1])
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
        assertThat(JSON.readTree(again.body()).path("deviceId").asText()).contains(":sim-slow-");
    }

    /** What a backup must bring back: VMs, allocations, profiles and images, by ID. */
    private static List<String> contents() throws Exception {
        List<String> all = new java.util.ArrayList<>();
        for (JsonNode v : fleet.get("vms")) {
            all.add("vm " + v.path("id").asText() + " " + v.path("name").asText());
        }
        for (JsonNode a : fleet.get("allocations?limit=1000")) {
            all.add("allocation " + a.path("allocationId").asText() + " "
                    + a.path("personalityId").asText());
        }
        for (JsonNode p : fleet.get("profiles?limit=1000&includeRetired=true")) {
            all.add("profile " + p.path("personalityId").asText() + " "
                    + p.path("status").asText());
        }
        for (JsonNode b : fleet.get("bitstreams")) {
            all.add("bitstream " + b.path("sha256").asText());
        }
        java.util.Collections.sort(all);
        return all;
    }

    /**
     * Issue 24: {@code hwp:backup DIR} while the node serves; later changes; the node killed and its database gone;
     * {@code bin/hwp-restore DIR} (refused while the node runs) brings back the state at the backup.
     */
    @Test
    @Order(2)
    void aBackupRestoresWhatTheNodeHeldWhenItWasTaken() throws Exception {
        LoadGenerator load = new LoadGenerator(node.api(), Distribution.ADMIN_CREDENTIALS);
        String[] kept = load.register(1, "backed-up-").get(0);
        HttpResponse<String> granted = HTTP.send(
                HttpRequest.newBuilder(node.api().resolve("personality-requests"))
                        .header("Authorization", "Bearer " + kept[1])
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"workload\":\"compression\"}"))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(201);
        List<String> atBackup = contents();
        assertThat(atBackup).anyMatch(c -> c.startsWith("vm " + kept[0]));

        java.nio.file.Path dir = node.home().resolve("backups/first");
        String out = node.shell("hwp:backup " + dir);
        assertThat(out).contains("Backed up to " + dir.resolve("derby"));
        assertThat(dir.resolve("derby/service.properties")).exists();
        assertThat(dir.resolve("hwp-backup.properties")).content().contains("schemaVersion = ");
        String again;
        try {
            again = node.shell("hwp:backup " + dir);
        } catch (Distribution.ScriptFailed e) {
            again = e.output;
        }
        assertThat(again).as("a second backup into the same directory").contains("holds a backup already");
        assertThat(fleet.get("events?limit=20").toString()).contains("org/hwpersonality/database/BACKUP");
        assertThatThrownBy(() -> node.script("bin/hwp-restore", dir.toString()))
                .as("refused while the node runs")
                .isInstanceOfSatisfying(
                        Distribution.ScriptFailed.class,
                        e -> assertThat(e.output).contains("stop it first"));

        String[] lost = load.register(1, "after-backup-").get(0);
        assertThat(contents()).anyMatch(c -> c.startsWith("vm " + lost[0]));
        node.kill9();
        Distribution.deleteTree(node.home().resolve("data/hwp/derby"));
        assertThat(node.script("bin/hwp-restore", dir.toString())).contains("restored the backup of");

        node.start();
        node.awaitHealthy(Duration.ofSeconds(180));
        assertThat(contents())
                .as("what the installation held at the backup, and nothing since")
                .isEqualTo(atBackup);
        assertThat(fleet.problemsAfter(Set.of()))
                .as("nothing left mid-step or held twice")
                .isEmpty();
    }
}
