package org.hwpersonality.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted demand trace (issue 23): {@code --requests} Personality Requests from as many VMs, arriving as a Poisson
 * process of {@code --rate} per second, each for a workload drawn from {@code --mix}, each allocation held for an
 * exponentially distributed time of mean {@code --hold} seconds and then released. The trace is the seed's: the same
 * seed gives the same arrivals, workloads and holds, so a platform with pre-programming off and one with it on meet
 * the same demand. It prints how many requests were served without programming (the region held the image) and the
 * time from sending a request to its ACTIVE answer.
 *
 * <pre>
 * java -cp hwp-benchmarks.jar org.hwpersonality.benchmarks.load.DemandTrace --server URL [--seed 1]
 *      [--requests 60] [--rate 1.5] [--hold 4] [--mix database-acceleration=40,compression=35,network-function=25]
 * </pre>
 */
public final class DemandTrace {
    private static final Pattern FIELD = Pattern.compile("\"(allocationId|performed)\"\\s*:\\s*\"?([^\",}]+)\"?");

    /** One request of the trace: when it comes (ms after the start), for what, held how long (ms). */
    record Demand(long atMs, String workload, long holdMs) {}

    /** The trace a seed makes. */
    static List<Demand> trace(
            long seed, int requests, double ratePerSecond, double holdSeconds, Map<String, Integer> mix) {
        SplittableRandom random = new SplittableRandom(seed);
        int total = mix.values().stream().mapToInt(Integer::intValue).sum();
        List<Demand> out = new ArrayList<>();
        double t = 0;
        for (int i = 0; i < requests; i++) {
            t += -Math.log(1 - random.nextDouble()) / ratePerSecond;
            int pick = random.nextInt(total);
            String workload = null;
            for (Map.Entry<String, Integer> e : mix.entrySet()) {
                pick -= e.getValue();
                if (pick < 0) {
                    workload = e.getKey();
                    break;
                }
            }
            long hold = Math.round(-Math.log(1 - random.nextDouble()) * holdSeconds * 1000);
            out.add(new Demand(Math.round(t * 1000), workload, hold));
        }
        return out;
    }

    /** What one request came to. */
    record Outcome(int status, boolean programmed, long ms) {}

    public static void main(String[] args) throws Exception {
        String server = "http://localhost:8181/hwp/api/v1";
        String admin = "karaf:" + System.getenv().getOrDefault("HWP_ADMIN_PASSWORD", "");
        long seed = 1;
        int requests = 60;
        double rate = 1.5;
        double hold = 4;
        String mixText = "database-acceleration=40,compression=35,network-function=25";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--server" -> server = args[i + 1];
                case "--admin" -> admin = args[i + 1];
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--requests" -> requests = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Double.parseDouble(args[i + 1]);
                case "--hold" -> hold = Double.parseDouble(args[i + 1]);
                case "--mix" -> mixText = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Map<String, Integer> mix = new LinkedHashMap<>();
        for (String part : mixText.split(",")) {
            String[] kv = part.split("=");
            mix.put(kv[0].strip(), Integer.parseInt(kv[1].strip()));
        }
        List<Demand> trace = trace(seed, requests, rate, hold, mix);
        LoadGenerator registrar = new LoadGenerator(URI.create(server), admin);
        List<String[]> vms = registrar.register(requests, "trace-" + seed + "-");
        URI base = URI.create(server.endsWith("/") ? server : server + "/");

        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newCachedThreadPool();
        long start = System.nanoTime();
        for (int i = 0; i < trace.size(); i++) {
            Demand d = trace.get(i);
            String[] vm = vms.get(i);
            long wait = d.atMs() - (System.nanoTime() - start) / 1_000_000;
            if (wait > 0) {
                Thread.sleep(wait);
            }
            pool.execute(() -> outcomes.add(serve(base, vm, d)));
        }
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the trace did not finish within 10 minutes");
        }
        long served = outcomes.stream().filter(o -> o.status() == 201).count();
        long reused = outcomes.stream()
                .filter(o -> o.status() == 201 && !o.programmed())
                .count();
        List<Long> ms = outcomes.stream()
                .filter(o -> o.status() == 201)
                .map(Outcome::ms)
                .sorted()
                .toList();
        double mean = ms.stream().mapToLong(Long::longValue).average().orElse(Double.NaN);
        Map<Integer, Long> statuses = new java.util.TreeMap<>();
        outcomes.forEach(o -> statuses.merge(o.status(), 1L, Long::sum));
        System.out.printf(
                java.util.Locale.ROOT,
                "trace seed=%d requests=%d served=%d without-programming=%d (%.1f %%) mean-to-active=%.0f ms"
                        + " p50=%d ms p95=%d ms statuses=%s%n",
                seed,
                trace.size(),
                served,
                reused,
                served == 0 ? 0.0 : 100.0 * reused / served,
                mean,
                ms.isEmpty() ? 0 : ms.get(ms.size() / 2),
                ms.isEmpty() ? 0 : ms.get(Math.min(ms.size() - 1, (int) Math.ceil(ms.size() * 0.95) - 1)),
                statuses);
    }

    /** Requests, waits the hold time, releases; what the request came to. */
    private static Outcome serve(URI base, String[] vm, Demand d) {
        String bearer = "Bearer " + vm[1];
        try (HttpConnection http = new HttpConnection(base)) {
            long t0 = System.nanoTime();
            HttpConnection.Reply r = http.send(
                    "POST",
                    "personality-requests",
                    bearer,
                    "{\"vmId\":\"" + vm[0] + "\",\"workload\":\"" + d.workload() + "\"}");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (r.statusCode() != 201) {
                return new Outcome(r.statusCode(), false, ms);
            }
            String allocation = null;
            boolean programmed = true;
            Matcher m = FIELD.matcher(r.body());
            while (m.find()) {
                if (m.group(1).equals("allocationId") && allocation == null) {
                    allocation = m.group(2);
                } else if (m.group(1).equals("performed")) {
                    programmed = Boolean.parseBoolean(m.group(2).strip());
                }
            }
            Thread.sleep(d.holdMs());
            HttpConnection.Reply released = http.send("DELETE", "allocations/" + allocation, bearer, null);
            if (released.statusCode() != 200) {
                return new Outcome(-released.statusCode(), programmed, ms);
            }
            return new Outcome(201, programmed, ms);
        } catch (IOException e) {
            return new Outcome(0, false, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(0, false, 0);
        }
    }
}
