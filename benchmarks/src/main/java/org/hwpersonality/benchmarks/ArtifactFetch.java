package org.hwpersonality.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.artifacts.archive.DriverArchive;
import org.hwpersonality.artifacts.internal.ArtifactStorage;
import org.hwpersonality.artifacts.internal.BlobStore;
import org.hwpersonality.repository.internal.SqlBlobRecords;
import org.hwpersonality.repository.internal.SqlSigningKeys;
import org.hwpersonality.repository.internal.TestDatabase;

/**
 * How long a node takes to get a blob another node stored: one node stores a blob of {@code megabytes} MiB (default
 * 64) in the database, then each run starts a new node with an empty cache folder on the same database and times
 * {@code path(sha)}: the chunks read from the database, written to a temporary file, SHA-256 checked, fsynced and
 * renamed into the cache. One unmeasured run first warms the JVM and the database's buffers; then {@code runs}
 * (default 5) measured ones. {@code postgres} (default) uses a throw-away PostgreSQL server, {@code derby} embedded
 * Derby.
 *
 * <pre>java -cp benchmarks/target/hwp-benchmarks.jar org.hwpersonality.benchmarks.ArtifactFetch postgres 64 5</pre>
 */
public final class ArtifactFetch {
    private ArtifactFetch() {}

    public static void main(String[] args) throws Exception {
        String database = args.length > 0 ? args[0] : "postgres";
        int megabytes = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path work = Files.createTempDirectory("hwp-fetch-");
        try (TestDatabase db =
                "derby".equals(database) ? TestDatabase.derbyAt(work.resolve("derby")) : TestDatabase.postgres()) {
            byte[] content = new byte[megabytes << 20];
            new Random(42).nextBytes(content);
            ArtifactStorage origin = node(db, work.resolve("origin"));
            long t0 = System.nanoTime();
            BlobStore.Stored stored =
                    origin.blobs().put(new java.io.ByteArrayInputStream(content), Long.MAX_VALUE, c -> {});
            System.out.printf(
                    "%s: stored %d MiB (cache and database) in %.2f s%n",
                    database, megabytes, (System.nanoTime() - t0) / 1e9);
            content = null;

            double warmUp = fetch(db, work.resolve("warm-up"), stored.sha256(), stored.sizeBytes());
            System.out.printf("warm-up fetch (not counted): %.2f s%n", warmUp);
            List<Double> seconds = new ArrayList<>();
            for (int i = 1; i <= runs; i++) {
                double s = fetch(db, work.resolve("node-" + i), stored.sha256(), stored.sizeBytes());
                seconds.add(s);
                System.out.printf("run %d: %.2f s (%.0f MiB/s)%n", i, s, megabytes / s);
            }
            double min = seconds.stream().min(Double::compare).orElseThrow();
            double max = seconds.stream().max(Double::compare).orElseThrow();
            System.out.printf(
                    "%s: %d MiB into an empty cache, %d runs: %.2f–%.2f s (%.0f–%.0f MiB/s)%n",
                    database, megabytes, runs, min, max, megabytes / max, megabytes / min);

            ArtifactStorage cached = node(db, work.resolve("node-1"));
            long h0 = System.nanoTime();
            cached.blobs().path(stored.sha256());
            System.out.printf("cache hit: %.3f ms%n", (System.nanoTime() - h0) / 1e6);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static ArtifactStorage node(TestDatabase db, Path home) {
        return new ArtifactStorage(
                home.resolve("blobs"),
                home.resolve("keys"),
                Long.MAX_VALUE,
                Long.MAX_VALUE,
                new DriverArchive.Limits(100, 1 << 20, 1 << 20),
                new SqlBlobRecords(db.database),
                new SqlSigningKeys(db.database));
    }

    /** Seconds a new node with an empty cache takes to have the blob in its cache. */
    private static double fetch(TestDatabase db, Path home, Sha256 sha, long size) throws IOException {
        ArtifactStorage node = node(db, home);
        long start = System.nanoTime();
        Path file = node.blobs().path(sha);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (Files.size(file) != size) {
            throw new IllegalStateException("fetched " + Files.size(file) + " bytes, not " + size);
        }
        try (InputStream ignored = Files.newInputStream(file)) {
            return seconds;
        }
    }
}
