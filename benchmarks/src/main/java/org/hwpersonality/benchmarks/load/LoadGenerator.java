package org.hwpersonality.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many simulated VMs over HTTP: each registers, then until the time is up requests a personality, now and then
 * re-personalizes with figures that fall short, and releases. Reports allocations per second and latency
 * percentiles per operation, and keeps every allocation the server acknowledged (for the crash test).
 *
 * <pre>
 * java -cp benchmarks/target/hwp-benchmarks.jar org.hwpersonality.benchmarks.load.LoadGenerator \
 *      --server http://localhost:8181/hwp/api/v1 --vms 64 --seconds 30 [--workload compression]
 *      [--repersonalize-every 0] [--rate 0] [--timeline false] [--admin karaf:PASSWORD (default: karaf:$HWP_ADMIN_PASSWORD)]
 *      [--warmup min(10, max(2, seconds / 5))] [--tenants 0 (the VMs round-robin over that many new tenants)]
 * </pre>
 *
 * <p>Without {@code --rate} every VM cycles as fast as the server answers (throughput); with it, the VMs together
 * start that many cycles per second on a fixed schedule (latency at a given load). The measured seconds follow a
 * warm-up under the same load, on the same connections.
 */
public final class LoadGenerator {
    private static final Pattern ID = Pattern.compile("\"(vmId|token|allocationId)\"\\s*:\\s*\"([^\"]+)\"");

    /** What a run measured. */
    public record Result(
            double seconds,
            long allocations,
            long repersonalizations,
            long releases,
            long noCapacity,
            long clientErrors,
            long serverErrors,
            long ioErrors,
            Latencies request,
            Latencies repersonalize,
            Latencies release,
            Set<String> acknowledged,
            List<String> firstErrors,
            long cleared) {
        public double allocationsPerSecond() {
            return allocations / seconds;
        }

        @Override
        public String toString() {
            return String.format(
                            Locale.ROOT,
                            "%.1f s: %d allocations (%.0f/s), %d re-personalizations, %d releases; 503: %d, other 4xx: %d,"
                                    + " 5xx: %d, I/O errors: %d%n  request       %s%n  repersonalize %s%n  release       %s",
                            seconds,
                            allocations,
                            allocationsPerSecond(),
                            repersonalizations,
                            releases,
                            noCapacity,
                            clientErrors,
                            serverErrors,
                            ioErrors,
                            request,
                            repersonalize,
                            release)
                    + String.format(
                            Locale.ROOT,
                            "%n  cleared first (the region last served another tenant): %d of %d requests (%.1f %%)",
                            cleared,
                            allocations,
                            allocations == 0 ? 0.0 : 100.0 * cleared / allocations)
                    + (firstErrors.isEmpty() ? "" : System.lineSeparator() + "  first errors: " + firstErrors);
        }
    }

    /** Latencies of one operation, in milliseconds, and per second of the run how many and how slow. */
    public static final class Latencies {
        private static final long SLOW_NANOS = 20_000_000;

        private final long start;
        /** {@code start} on the wall clock, to line the timeline up with the server's GC log and disk statistics. */
        private final Instant startsAt;

        private final List<long[]> chunks = new ArrayList<>();
        private long[] current = new long[4096];
        private int n;
        private long[] perSecond = new long[3 * 64]; // count, slower than 20 ms, max: per second

        /** Seconds in the timeline count from {@code start} (a {@link System#nanoTime()}). */
        Latencies(long start) {
            this.start = start;
            this.startsAt = Instant.now().plusNanos(start - System.nanoTime());
        }

        synchronized void add(long nanos) {
            if (n == current.length) {
                chunks.add(current);
                current = new long[4096];
                n = 0;
            }
            current[n++] = nanos;
            int second = (int) ((System.nanoTime() - start) / 1_000_000_000L);
            if (3 * second + 2 >= perSecond.length) {
                perSecond = Arrays.copyOf(perSecond, Math.max(2 * perSecond.length, 3 * second + 3));
            }
            perSecond[3 * second]++;
            perSecond[3 * second + 1] += nanos > SLOW_NANOS ? 1 : 0;
            perSecond[3 * second + 2] = Math.max(perSecond[3 * second + 2], nanos);
        }

        /** One line per second of the run: operations completed, how many took over 20 ms, the slowest. */
        public synchronized String timeline() {
            StringBuilder out = new StringBuilder();
            int seconds = perSecond.length / 3;
            while (seconds > 0 && perSecond[3 * (seconds - 1)] == 0) {
                seconds--; // a backlog leaves the first seconds empty: the timeline runs to the last busy one
            }
            for (int i = 0; i < seconds; i++) {
                out.append(String.format(
                        Locale.ROOT,
                        "  %3d s: n=%d, over 20 ms: %d, max %.1f ms (from %s)%n",
                        i,
                        perSecond[3 * i],
                        perSecond[3 * i + 1],
                        perSecond[3 * i + 2] / 1e6,
                        DateTimeFormatter.ISO_LOCAL_TIME.format(startsAt.plusSeconds(i)
                                .truncatedTo(ChronoUnit.MILLIS)
                                .atOffset(ZoneOffset.UTC))));
            }
            return out.toString();
        }

        private synchronized long[] all() {
            int size = chunks.size() * 4096 + n;
            long[] out = new long[size];
            int k = 0;
            for (long[] c : chunks) {
                System.arraycopy(c, 0, out, k, c.length);
                k += c.length;
            }
            System.arraycopy(current, 0, out, k, n);
            Arrays.sort(out);
            return out;
        }

        public synchronized long count() {
            return chunks.size() * 4096L + n;
        }

        /** The {@code p}-th percentile in ms (0 when empty). */
        public double percentileMs(double p) {
            long[] a = all();
            if (a.length == 0) {
                return 0;
            }
            int i = (int) Math.ceil(p / 100 * a.length) - 1;
            return a[Math.max(0, Math.min(a.length - 1, i))] / 1e6;
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "n=%d p50=%.2f ms p95=%.2f ms p99=%.2f ms max=%.2f ms",
                    count(),
                    percentileMs(50),
                    percentileMs(95),
                    percentileMs(99),
                    percentileMs(100));
        }
    }

    /** Allocations acknowledged by all runs of this generator so far (for a test to time a crash). */
    public final AtomicLong acknowledgedSoFar = new AtomicLong();

    private final URI base;
    private final String admin;

    public LoadGenerator(URI server, String adminUserColonPassword) {
        String s = server.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.admin =
                "Basic " + Base64.getEncoder().encodeToString(adminUserColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    /** Registers {@code vms} VMs; returns {vmId, token} pairs. */
    public List<String[]> register(int vms, String prefix) throws IOException, InterruptedException {
        return register(vms, prefix, 0);
    }

    /**
     * Registers {@code vms} VMs, round-robin over {@code tenants} new tenants ({@code prefix} and t0, t1…; 0: all of
     * the default tenant); returns {vmId, token} pairs.
     */
    public List<String[]> register(int vms, String prefix, int tenants) throws IOException, InterruptedException {
        List<String[]> out = new ArrayList<>();
        try (HttpConnection http = new HttpConnection(base)) {
            for (int t = 0; t < tenants; t++) {
                HttpConnection.Reply r = http.send("POST", "tenants", admin, "{\"id\":\"" + prefix + "t" + t + "\"}");
                if (r.statusCode() != 201) {
                    throw new IOException("adding a tenant failed: " + r.statusCode() + " " + r.body());
                }
            }
            for (int i = 0; i < vms; i++) {
                String tenant = tenants > 0 ? ",\"tenant\":\"" + prefix + "t" + (i % tenants) + "\"" : "";
                HttpConnection.Reply r = http.send(
                        "POST",
                        "vms",
                        admin,
                        "{\"name\":\"" + prefix + i + "\",\"os\":{\"family\":\"linux\",\"kernel\":\"5.15.0\"}" + tenant
                                + "}");
                if (r.statusCode() != 201) {
                    throw new IOException("registration failed: " + r.statusCode() + " " + r.body());
                }
                out.add(new String[] {field(r.body(), "vmId"), field(r.body(), "token")});
            }
        }
        return out;
    }

    /**
     * Runs the VMs for {@code duration} (or until {@code stop} is set), each in its own thread. Every
     * {@code repersonalizeEvery}-th cycle (0: never) a VM reports figures below its requirement before releasing.
     */
    public Result run(
            List<String[]> vms, String workload, Duration duration, int repersonalizeEvery, AtomicBoolean stop)
            throws InterruptedException {
        return run(vms, workload, Duration.ZERO, duration, repersonalizeEvery, 0, stop);
    }

    /**
     * As above, after a {@code warmup} under the same load that is not measured (the VMs keep their connections
     * and schedule across it, so the measurement starts in the steady state, not with 64 new connections and a
     * client still compiling its own code), and at a fixed rate: {@code cyclesPerSecond} request-and-release cycles
     * per second in all (0: each VM as fast as the server answers). Each VM starts its cycles on a fixed schedule,
     * and a request's latency counts from when it was due, not from when it was sent: a server that falls behind is
     * not flattered by the clients waiting for it (no coordinated omission). Throughput and latencies count the
     * cycles that start after the warm-up; errors and {@link Result#acknowledged()} count the whole run.
     */
    public Result run(
            List<String[]> vms,
            String workload,
            Duration warmup,
            Duration duration,
            int repersonalizeEvery,
            double cyclesPerSecond,
            AtomicBoolean stop)
            throws InterruptedException {
        long intervalNanos = cyclesPerSecond <= 0 ? 0 : (long) (vms.size() * 1e9 / cyclesPerSecond);
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        Latencies request = new Latencies(measureFrom);
        Latencies repersonalize = new Latencies(measureFrom);
        Latencies release = new Latencies(measureFrom);
        AtomicLong allocations = new AtomicLong();
        AtomicLong moves = new AtomicLong();
        AtomicLong releases = new AtomicLong();
        AtomicLong noCapacity = new AtomicLong();
        AtomicLong cleared = new AtomicLong();
        AtomicLong clientErrors = new AtomicLong();
        AtomicLong serverErrors = new AtomicLong();
        AtomicLong ioErrors = new AtomicLong();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(vms.size());
        String body = "{\"workload\":\"" + workload + "\",\"requirements\":{\"minThroughputGops\":10}}";
        for (int v = 0; v < vms.size(); v++) {
            String[] vm = vms.get(v);
            long firstDue = start + (intervalNanos * v) / vms.size();
            Thread t = new Thread(
                    () -> {
                        String bearer = "Bearer " + vm[1];
                        int cycle = 0;
                        HttpConnection http = new HttpConnection(base);
                        long due = firstDue;
                        try {
                            while (System.nanoTime() < end && !stop.get()) {
                                cycle++;
                                long t0 = System.nanoTime();
                                if (intervalNanos > 0) {
                                    if (due > t0) {
                                        Thread.sleep((due - t0) / 1_000_000, (int) ((due - t0) % 1_000_000));
                                    }
                                    t0 = due;
                                    due += intervalNanos;
                                }
                                boolean measured = t0 >= measureFrom;
                                HttpConnection.Reply r;
                                try {
                                    r = http.send("POST", "personality-requests", bearer, body);
                                } catch (IOException e) {
                                    ioErrors.incrementAndGet();
                                    continue;
                                }
                                if (r.statusCode() != 201) {
                                    count(r.statusCode(), noCapacity, clientErrors, serverErrors);
                                    if (firstErrors.size() < 5) {
                                        firstErrors.add(r.statusCode() + " " + r.body());
                                    }
                                    if (r.statusCode() == 409) {
                                        releaseHeld(http, bearer); // a previous run (or a crash) left it holding one
                                    }
                                    continue;
                                }
                                if (measured) {
                                    request.add(System.nanoTime() - t0);
                                    allocations.incrementAndGet();
                                    if (r.body().contains("\"clearingMs\"")) {
                                        cleared.incrementAndGet();
                                    }
                                }
                                acknowledgedSoFar.incrementAndGet();
                                String allocation = field(r.body(), "allocationId");
                                acknowledged.add(allocation);
                                if (repersonalizeEvery > 0 && cycle % repersonalizeEvery == 0) {
                                    long t1 = System.nanoTime();
                                    try {
                                        HttpConnection.Reply m = http.send(
                                                "POST",
                                                "vms/" + vm[0] + "/repersonalization",
                                                bearer,
                                                "{\"metrics\":{\"throughputGops\":1}}");
                                        if (m.statusCode() == 200 || m.statusCode() == 201) {
                                            if (measured) {
                                                repersonalize.add(System.nanoTime() - t1);
                                                moves.incrementAndGet();
                                            }
                                            allocation = field(m.body(), "allocationId");
                                            acknowledged.add(allocation);
                                        } else {
                                            count(m.statusCode(), noCapacity, clientErrors, serverErrors);
                                        }
                                    } catch (IOException e) {
                                        ioErrors.incrementAndGet();
                                    }
                                }
                                long t2 = System.nanoTime();
                                try {
                                    HttpConnection.Reply d =
                                            http.send("DELETE", "allocations/" + allocation, bearer, null);
                                    if (d.statusCode() == 200) {
                                        if (measured) {
                                            release.add(System.nanoTime() - t2);
                                            releases.incrementAndGet();
                                        }
                                    } else {
                                        count(d.statusCode(), noCapacity, clientErrors, serverErrors);
                                    }
                                } catch (IOException e) {
                                    ioErrors.incrementAndGet();
                                }
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            http.close();
                            done.countDown();
                        }
                    },
                    "vm-" + vm[0]);
            t.setDaemon(true);
            t.start();
        }
        done.await();
        double seconds = Math.max(0, System.nanoTime() - measureFrom) / 1e9;
        return new Result(
                seconds,
                allocations.get(),
                moves.get(),
                releases.get(),
                noCapacity.get(),
                clientErrors.get(),
                serverErrors.get(),
                ioErrors.get(),
                request,
                repersonalize,
                release,
                Set.copyOf(acknowledged),
                List.copyOf(firstErrors),
                cleared.get());
    }

    private static void releaseHeld(HttpConnection http, String bearer) {
        try {
            HttpConnection.Reply list = http.send("GET", "allocations?limit=5", bearer, null);
            Matcher m = Pattern.compile("\"allocationId\":\"([^\"]+)\"[^}]*?\"status\":\"ACTIVE\"")
                    .matcher(list.body());
            while (m.find()) {
                http.send("DELETE", "allocations/" + m.group(1), bearer, null);
            }
        } catch (IOException e) {
            // the next cycle tries again
        }
    }

    private static void count(int status, AtomicLong noCapacity, AtomicLong clientErrors, AtomicLong serverErrors) {
        if (status == 503) {
            noCapacity.incrementAndGet();
        } else if (status >= 500) {
            serverErrors.incrementAndGet();
        } else {
            clientErrors.incrementAndGet();
        }
    }

    private static String field(String json, String name) {
        Matcher m = ID.matcher(json);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(2);
            }
        }
        throw new IllegalStateException("no " + name + " in " + json);
    }

    public static void main(String[] args) throws Exception {
        String server = "http://localhost:8181/hwp/api/v1";
        String adminCredentials = "karaf:" + System.getenv().getOrDefault("HWP_ADMIN_PASSWORD", "");
        String workload = "compression";
        int vms = 64;
        int seconds = 30;
        int every = 0;
        double rate = 0;
        boolean timeline = false;
        int warmup = -1;
        int tenants = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--server" -> server = args[i + 1];
                case "--admin" -> adminCredentials = args[i + 1];
                case "--workload" -> workload = args[i + 1];
                case "--vms" -> vms = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--repersonalize-every" -> every = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Double.parseDouble(args[i + 1]);
                case "--timeline" -> timeline = Boolean.parseBoolean(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--tenants" -> tenants = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        LoadGenerator load = new LoadGenerator(URI.create(server), adminCredentials);
        List<String[]> registered = load.register(vms, "load-" + Long.toHexString(System.nanoTime()) + "-", tenants);
        Result result = load.run(
                registered,
                workload,
                Duration.ofSeconds(warmup >= 0 ? warmup : Math.min(10, Math.max(2, seconds / 5))),
                Duration.ofSeconds(seconds),
                every,
                rate,
                new AtomicBoolean());
        if (timeline) {
            System.out.print("requests per second of the run:" + System.lineSeparator() + result.request.timeline());
        }
        System.out.println(result);
    }
}
