package org.hwpersonality.benchmarks.scale;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.persistence.EntityManagerFactory;
import javax.sql.DataSource;
import org.eclipse.persistence.jpa.PersistenceProvider;
import org.hwpersonality.api.allocation.MatchOutcome;
import org.hwpersonality.api.allocation.MatchResult;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.service.MatchIndex;
import org.hwpersonality.api.service.MatchOptions;
import org.hwpersonality.matcher.internal.DefaultMatcher;
import org.hwpersonality.repository.internal.Database;
import org.hwpersonality.repository.internal.JpaDeviceRecords;
import org.hwpersonality.repository.internal.JpaProfileRepository;
import org.hwpersonality.repository.internal.ProfileBulkLoad;
import org.hwpersonality.repository.internal.SchemaMigrations;

/**
 * Matching at a million profiles, with the index built from PostgreSQL as a node builds it.
 *
 * <pre>
 * # once: a PostgreSQL cluster in DIR, the schema by the project's migrations, 1,000,000 profiles, 100,000 cards
 * java -Xmx4g -cp benchmarks/target/hwp-benchmarks.jar org.hwpersonality.benchmarks.scale.MillionMatch fill DIR
 * # each run, a fresh JVM: start the cluster, build the index, match, stop the cluster
 * java -Xmx4g -cp benchmarks/target/hwp-benchmarks.jar org.hwpersonality.benchmarks.scale.MillionMatch measure DIR
 * </pre>
 *
 * {@code fill DIR [profiles] [devices]} (defaults 1,000,000 and 100,000) writes profiles through the repository's own
 * encoding ({@link ProfileBulkLoad}) and the fleet with plain INSERTs ({@link ScaleFleet}). {@code measure DIR
 * [warm-up seconds] [measured seconds]} (defaults 30 and 60) builds the index with the repository's read paths
 * ({@code revision()}, {@code changedSince(0)}, {@code devices()}) into {@link DefaultMatcher}'s index, as the
 * management service's {@code IndexKeeper} does at a node's start; prints the build time and the heap the index
 * retains (used heap after full collections with the index, minus without it); then matches single-threaded, one
 * request after another from 65,536 pre-built requests ({@link RequestMix}), for the warm-up and then the measured
 * time, timing every match: throughput on one core and the latency percentiles.
 */
public final class MillionMatch {
    private MillionMatch() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[0].equals("fill") || args[0].equals("measure"))) {
            System.err.println(
                    "usage: MillionMatch fill DIR [profiles] [devices] | measure DIR [warmup-s] [measure-s]");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        if (args[0].equals("fill")) {
            fill(
                    dir,
                    args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000,
                    args.length > 3 ? Integer.parseInt(args[3]) : 100_000);
        } else {
            measure(
                    dir,
                    args.length > 2 ? Integer.parseInt(args[2]) : 30,
                    args.length > 3 ? Integer.parseInt(args[3]) : 60);
        }
    }

    private static void fill(Path dir, int profiles, int devices) throws Exception {
        try (LocalPostgres pg = new LocalPostgres(dir)) {
            DataSource ds = pg.dataSource();
            System.out.println("schema version " + SchemaMigrations.migrate(ds));
            if (count(ds, "HWP_PROFILE") > 0 || count(ds, "HWP_DEVICE") > 0) {
                throw new IllegalStateException(dir + " holds data already: measure it, or fill a new directory");
            }
            ScaleCatalogue catalogue = new ScaleCatalogue();
            ProfileBulkLoad load = new ProfileBulkLoad(ds);
            long start = System.nanoTime();
            List<PersonalityProfile> chunk = new ArrayList<>();
            for (int i = 0; i < profiles; i++) {
                chunk.add(catalogue.profile(i));
                if (chunk.size() == 10_000 || i == profiles - 1) {
                    load.write(chunk);
                    chunk.clear();
                    if ((i + 1) % 100_000 == 0) {
                        System.out.printf("%,d profiles in %.0f s%n", i + 1, (System.nanoTime() - start) / 1e9);
                    }
                }
            }
            long regions = ScaleFleet.write(ds, devices, profiles, catalogue);
            try (Connection c = ds.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE");
            }
            System.out.printf(
                    "filled: %,d profiles, %,d devices, %,d regions in %.0f s%n",
                    count(ds, "HWP_PROFILE"), count(ds, "HWP_DEVICE"), regions, (System.nanoTime() - start) / 1e9);
        }
    }

    private static long count(DataSource ds, String table) throws Exception {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void measure(Path dir, int warmupSeconds, int measureSeconds) throws Exception {
        if (!Files.exists(dir.resolve("data").resolve("PG_VERSION"))) {
            throw new IllegalStateException("no cluster in " + dir + ": run 'fill " + dir + "' first");
        }
        System.out.printf(
                "JVM %s, -Xmx %d MiB, %d processors, %s%n",
                System.getProperty("java.vm.version"),
                Runtime.getRuntime().maxMemory() >> 20,
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
        try (LocalPostgres pg = new LocalPostgres(dir)) {
            HikariConfig config = new HikariConfig();
            config.setDataSource(pg.dataSource());
            config.setMaximumPoolSize(16);
            config.setMinimumIdle(2);
            try (HikariDataSource pool = new HikariDataSource(config)) {
                EntityManagerFactory emf = new PersistenceProvider()
                        .createEntityManagerFactory("hwp", Map.of("javax.persistence.nonJtaDataSource", pool));
                Database database = new Database(pool, emf);
                try {
                    run(
                            new JpaProfileRepository(database),
                            new JpaDeviceRecords(database),
                            warmupSeconds,
                            measureSeconds);
                } finally {
                    emf.close();
                }
            }
        }
    }

    private static void run(
            JpaProfileRepository profiles, JpaDeviceRecords devices, int warmupSeconds, int measureSeconds) {
        // Warm the read path's classes (EclipseLink, Jackson, the codec) on a small read, as a node has by then.
        profiles.find(ScaleCatalogue.id(0));
        long before = usedHeap();

        long t0 = System.nanoTime();
        MatchIndex index = new DefaultMatcher().newIndex();
        long revision = profiles.revision();
        List<PersonalityProfile> changed = profiles.changedSince(0);
        long t1 = System.nanoTime();
        index.putProfiles(changed);
        int read = changed.size();
        changed = null;
        long t2 = System.nanoTime();
        List<Device> fleet = devices.devices();
        long t3 = System.nanoTime();
        index.putDevices(fleet);
        int fleetSize = fleet.size();
        fleet = null;
        long t4 = System.nanoTime();
        System.out.printf(
                "build: profiles read %.1f s (%,d at revision %d), indexed %.1f s; devices read %.1f s (%,d),"
                        + " indexed %.1f s; total %.1f s%n",
                (t1 - t0) / 1e9,
                read,
                revision,
                (t2 - t1) / 1e9,
                (t3 - t2) / 1e9,
                fleetSize,
                (t4 - t3) / 1e9,
                (t4 - t0) / 1e9);
        long built = usedHeap();
        System.out.printf(
                "index: %,d ACTIVE profiles, %,d devices; used heap %.0f MiB before, %.0f MiB after the build%n",
                index.profileCount(), index.deviceCount(), before / MIB, built / MIB);

        RequestMix mix = new RequestMix(index, read, new Random(11));
        PersonalityRequest[] requests = mix.requests(65_536);
        DriverSnapshots drivers = new DriverSnapshots();
        Map<MatchOutcome, Integer> outcomes = new EnumMap<>(MatchOutcome.class);

        long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        int next = 0;
        long warmups = 0;
        long sink = 0;
        while (System.nanoTime() < warmupEnd) {
            for (int k = 0; k < 1024; k++) {
                MatchResult r = index.match(requests[next++ & 65_535], options(drivers));
                sink += r.candidates().size();
            }
            warmups += 1024;
        }
        long[] latencies = new long[Math.max(1_000_000, measureSeconds * 400_000)];
        byte[] outcomeOf = new byte[latencies.length];
        int n = 0;
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + measureSeconds * 1_000_000_000L;
        long now = start;
        while (now < end && n < latencies.length) {
            PersonalityRequest request = requests[next++ & 65_535];
            MatchOptions options = options(drivers);
            MatchResult r = index.match(request, options);
            long after = System.nanoTime();
            outcomeOf[n] = (byte) r.outcome().ordinal();
            latencies[n++] = after - now;
            now = after;
            sink += r.candidates().size();
            outcomes.merge(r.outcome(), 1, Integer::sum);
        }
        double seconds = (now - start) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        for (MatchOutcome o : MatchOutcome.values()) {
            long[] of = new long[n];
            int m = 0;
            for (int k = 0; k < n; k++) {
                if (outcomeOf[k] == o.ordinal()) {
                    of[m++] = latencies[k];
                }
            }
            if (m > 0) {
                of = Arrays.copyOf(of, m);
                Arrays.sort(of);
                System.out.printf(
                        "  %-20s %5.1f %% of requests, mean %.1f us, p50 %.1f us, p99 %.1f us%n",
                        o, 100.0 * m / n, Arrays.stream(of).average().orElse(0) / 1e3, pct(of, 0.50), pct(of, 0.99));
            }
        }
        long[] sorted = Arrays.copyOf(latencies, n);
        latencies = null;
        Arrays.sort(sorted);
        long withIndex = usedHeap();
        // Keeps them reachable until here: compiled code may otherwise let them go after their last use.
        Reference.reachabilityFence(index);
        Reference.reachabilityFence(drivers);
        Reference.reachabilityFence(mix);
        index = null;
        drivers = null;
        mix = null;
        long without = usedHeap();
        Reference.reachabilityFence(requests);
        System.out.printf(
                "warm-up: %d s, %,d matches; measured: %.1f s (the thread on a core %.1f s of it), %,d matches%n",
                warmupSeconds, warmups, seconds, cpuSeconds, n);
        System.out.printf("outcomes: %s (candidates seen %d)%n", outcomes, sink);
        System.out.printf(
                "RESULT throughput %,.0f matches/s (%,.0f per second of CPU); latency p50 %.1f us, p90 %.1f us, p99 %.1f us, p99.9 %.1f us,"
                        + " max %.1f us; index heap %.0f MiB (after build %.0f MiB); build %.1f s%n",
                n / seconds,
                n / cpuSeconds,
                pct(sorted, 0.50),
                pct(sorted, 0.90),
                pct(sorted, 0.99),
                pct(sorted, 0.999),
                sorted[n - 1] / 1e3,
                (withIndex - without) / MIB,
                (built - before) / MIB,
                (t4 - t0) / 1e9);
    }

    /**
     * The options of each match: as the management service asks (the best candidate only), or the {@code
     * -Dhwp.bench.candidates=N} best (8: what every match answered before 2026-12-07).
     */
    private static MatchOptions options(DriverSnapshots drivers) {
        return MatchOptions.of(drivers.current()).candidates(CANDIDATES);
    }

    private static final int CANDIDATES = Integer.getInteger("hwp.bench.candidates", 1);

    private static final double MIB = 1024.0 * 1024.0;

    private static double pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e3;
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
