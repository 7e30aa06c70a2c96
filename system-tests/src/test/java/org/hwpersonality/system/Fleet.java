package org.hwpersonality.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A running node seen through its HTTP API as an administrator: the load fleet the reliability tests add, and the
 * invariants of allocations and regions they check.
 */
final class Fleet {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ADMIN = Distribution.ADMIN;
    private static final Set<String> MID_STEP = Set.of("RESERVED", "PROGRAMMING", "RELEASING");
    private static final Set<String> HOLDING = Set.of("RESERVED", "PROGRAMMING", "ACTIVE", "RELEASING");

    /** 64 cards with two partial regions each; programming takes no time and fails with this probability. */
    static String loadFleet(double failureProbability) {
        return String.join(
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
                "failureProbability = " + failureProbability,
                "");
    }

    private final URI api;

    Fleet(URI api) {
        this.api = api;
    }

    /** On a first start the sample drivers and the simulated cards arrive just after the API reports UP. */
    void awaitSamplesAndCards(int devices) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (send("GET", "drivers?personalityId=zstd-u250-v1&os=linux&kernel=5.15.0")
                                .statusCode()
                        != 200
                || get("devices").size() < devices) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the samples and " + devices + " cards are not there after 60 s");
            }
            Thread.sleep(200);
        }
    }

    /**
     * Every acknowledged allocation exists; within 30 s (reconciliation) no allocation or region is mid-step, no
     * region is held by two allocations, and every ACTIVE region has its one ACTIVE allocation and the other way
     * round. Returns what is still wrong (empty when all holds).
     */
    List<String> problemsAfter(Set<String> acknowledged) throws Exception {
        List<String> problems = new ArrayList<>();
        for (String id : acknowledged) {
            HttpResponse<String> r = send("GET", "allocations/" + id);
            if (r.statusCode() != 200) {
                problems.add("acknowledged allocation " + id + " answers " + r.statusCode());
            }
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        do {
            problems = problems();
            if (problems.isEmpty()) {
                break;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        return problems;
    }

    private List<String> problems() throws Exception {
        List<String> problems = new ArrayList<>();
        Map<String, String> holder = new HashMap<>();
        Map<String, String> activeAllocation = new HashMap<>();
        for (JsonNode a : get("allocations?limit=1000")) {
            String status = a.path("status").asText();
            String id = a.path("allocationId").asText();
            String region =
                    a.path("deviceId").asText() + "/" + a.path("regionId").asText();
            if (MID_STEP.contains(status)) {
                problems.add(id + " is " + status);
            }
            if (HOLDING.contains(status)) {
                String other = holder.put(region, id);
                if (other != null) {
                    problems.add(region + " is held by " + other + " and " + id);
                }
            }
            if (status.equals("ACTIVE")) {
                activeAllocation.put(region, id);
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

    /** How many allocations of these VMs (the newest 1,000 of each) are in this state. */
    long allocationsIn(String state, List<String[]> vms) throws Exception {
        long n = 0;
        for (String[] vm : vms) {
            for (JsonNode a : get("allocations?limit=1000&vmId=" + vm[0])) {
                n += a.path("status").asText().equals(state) ? 1 : 0;
            }
        }
        return n;
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = send("GET", path);
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    HttpResponse<String> send(String method, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(api.resolve(path))
                        .header("Authorization", ADMIN)
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
