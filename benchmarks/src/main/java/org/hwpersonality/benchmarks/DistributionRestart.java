package org.hwpersonality.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hwpersonality.repository.internal.JpaProfileRepository;
import org.hwpersonality.repository.internal.TestDatabase;

/**
 * How long the distribution takes to be ready again when its repository holds many profiles. Unpacks the
 * distribution, starts it once (first start: features resolved, sample catalogue loaded) and stops it, stores
 * N profiles into its embedded Derby database, then starts it again and measures the time until a shell
 * command reads the last stored profile.
 *
 * <pre>java -cp benchmarks/target/hwp-benchmarks.jar org.hwpersonality.benchmarks.DistributionRestart \
 *     karaf-assembly/target/hwp-karaf-0.1.0-SNAPSHOT.tar.gz 100000</pre>
 */
public final class DistributionRestart {
    private DistributionRestart() {}

    public static void main(String[] args) throws Exception {
        Path archive = Path.of(args[0]);
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        Path work = Files.createTempDirectory("hwp-restart-");
        run(work, List.of("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", work.toString()));
        Path home;
        try (Stream<Path> entries = Files.list(work)) {
            home = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        try {
            double first = startAndWait(home, "resnet50-int8-u250-v1");
            System.out.printf("first start (empty data/): ready in %.1f s%n", first);
            stop(home);

            long t0 = System.nanoTime();
            try (TestDatabase db = TestDatabase.derbyAt(home.resolve("data/hwp/derby"))) {
                new JpaProfileRepository(db.database).storeAll(Profiles.generate(count));
            }
            shutdownDerby();
            System.out.printf(
                    "stored %d profiles into data/hwp/derby in %.1f s%n", count, (System.nanoTime() - t0) / 1e9);

            double restart = startAndWait(home, Profiles.id(count - 1));
            System.out.printf("restart with %d profiles stored: ready in %.1f s (target: 15 s)%n", count, restart);
        } finally {
            stop(home);
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Starts Karaf and returns the seconds until {@code personality:show ID} prints the profile. */
    private static double startAndWait(Path home, String id) throws Exception {
        long start = System.nanoTime();
        run(home, List.of("bin/start"));
        while (true) {
            String out = client(home, "personality:show " + id);
            if (out.contains("Personality ID : " + id)) {
                return (System.nanoTime() - start) / 1e9;
            }
            if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(300)) {
                throw new IllegalStateException("not ready after 300 s; last answer:\n" + out);
            }
            Thread.sleep(250);
        }
    }

    private static void stop(Path home) throws Exception {
        run(home, List.of("bin/stop"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Process status = new ProcessBuilder("bin/status")
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .start();
            status.getInputStream().readAllBytes();
            if (status.waitFor() != 0) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Karaf did not stop within 60 s");
    }

    private static String client(Path home, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bin/client", "-b", "-u", "karaf", "-p", "karaf", "-r", "1", "-d", "1")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static void run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(command + " failed:\n" + out);
        }
    }

    private static void shutdownDerby() {
        try {
            DriverManager.getConnection("jdbc:derby:;shutdown=true");
        } catch (SQLException expected) {
            // XJ015: Derby reports a clean engine shutdown as an exception.
            if (!"XJ015".equals(expected.getSQLState())) {
                throw new IllegalStateException("Derby did not shut down cleanly", expected);
            }
        }
    }
}
