package org.hwpersonality.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * The time to ACTIVE of requests that program a region: one VM sends requests one after another that no single image
 * serves (compression at 30 GOPS or more, database acceleration), each released before the next, so nearly every
 * request reprograms a U250 DFX region; the answers that say so are counted and their latencies kept. Run against a
 * node that programs its own cards (a local call) and against an api node whose cards belong to a host node (a task
 * through the database): the difference of the medians is what dispatch adds ({@code benchmarks/dispatch.sh}).
 *
 * <pre>
 * java -cp benchmarks/target/hwp-benchmarks.jar org.hwpersonality.benchmarks.load.DispatchLatency \
 *      --server http://localhost:8181/hwp/api/v1 [--admin karaf:PASSWORD (default: karaf:$HWP_ADMIN_PASSWORD)] [--requests 400] [--warmup 100]
 * </pre>
 */
public final class DispatchLatency {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Two requests no single image serves: compression at 30 GOPS or more (zstd-u250; the SQL filter image also
     * compresses, at 12), and database acceleration (the SQL filter). Each therefore reprograms the region.
     */
    private static final String[] REQUESTS = {
        "\"workload\":\"compression\",\"requirements\":{\"minThroughputGops\":30}",
        "\"workload\":\"database-acceleration\""
    };

    public static void main(String[] args) throws Exception {
        String server = "http://localhost:8181/hwp/api/v1";
        String admin = "karaf:" + System.getenv().getOrDefault("HWP_ADMIN_PASSWORD", "");
        int requests = 400;
        int warmup = 100;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--server" -> server = args[i + 1];
                case "--admin" -> admin = args[i + 1];
                case "--requests" -> requests = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        URI base = URI.create(server.endsWith("/") ? server : server + "/");
        String basic = "Basic " + Base64.getEncoder().encodeToString(admin.getBytes(StandardCharsets.UTF_8));
        try (HttpConnection http = new HttpConnection(base)) {
            HttpConnection.Reply vm = http.send(
                    "POST",
                    "vms",
                    basic,
                    "{\"name\":\"dispatch-bench\",\"os\":{\"family\":\"linux\",\"kernel\":\"5.15.0\"}}");
            if (vm.statusCode() != 201) {
                throw new IllegalStateException("registering the VM: " + vm.statusCode() + " " + vm.body());
            }
            JsonNode registered = JSON.readTree(vm.body());
            String vmId = registered.path("vmId").asText();
            String bearer = "Bearer " + registered.path("token").asText();
            List<Double> latencies = new ArrayList<>();
            List<Double> programming = new ArrayList<>();
            int reprogrammed = 0;
            List<String> notReprogrammed = new ArrayList<>();
            for (int i = 0; i < warmup + requests; i++) {
                String body = "{\"vmId\":\"" + vmId + "\"," + REQUESTS[i % 2] + "}";
                long t0 = System.nanoTime();
                HttpConnection.Reply r = http.send("POST", "personality-requests", bearer, body);
                double ms = (System.nanoTime() - t0) / 1e6;
                if (r.statusCode() != 201) {
                    throw new IllegalStateException("request " + i + ": " + r.statusCode() + " " + r.body());
                }
                JsonNode answer = JSON.readTree(r.body());
                if (i >= warmup) {
                    latencies.add(ms);
                    programming.add(
                            answer.path("reconfiguration").path("durationMs").asDouble());
                    if (answer.path("reconfiguration").path("performed").asBoolean()) {
                        reprogrammed++;
                    } else if (notReprogrammed.size() < 5) {
                        notReprogrammed.add("request " + i + ": "
                                + answer.path("personalityId").asText() + " on "
                                + answer.path("device").path("id").asText() + "/"
                                + answer.path("device").path("region").asText());
                    }
                }
                HttpConnection.Reply released = http.send(
                        "DELETE", "allocations/" + answer.path("allocationId").asText(), bearer, null);
                if (released.statusCode() != 200) {
                    throw new IllegalStateException(
                            "release " + i + ": " + released.statusCode() + " " + released.body());
                }
            }
            if (reprogrammed < requests * 9 / 10) {
                throw new IllegalStateException("only " + reprogrammed + " of " + requests
                        + " requests reprogrammed the region: this measures programming requests only; the first that"
                        + " did not: " + notReprogrammed);
            }
            System.out.printf(
                    "requests %d (after %d warm-up), reprogrammed %d (the percentiles are theirs)%n"
                            + "time to ACTIVE ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n"
                            + "programming as reported ms: p50 %.2f  p99 %.2f%n",
                    requests,
                    warmup,
                    reprogrammed,
                    percentile(latencies, 50),
                    percentile(latencies, 90),
                    percentile(latencies, 99),
                    percentile(latencies, 100),
                    percentile(programming, 50),
                    percentile(programming, 99));
        }
    }

    private static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int i = (int) Math.ceil(p / 100 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
