package org.hwpersonality.benchmarks.scale;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A PostgreSQL cluster of Debian's server binaries in a directory of its own, kept between runs (unlike the
 * repository tests' {@code PostgresServer}, which deletes its cluster): the first run creates it ({@code initdb}),
 * every run starts it on a free loopback port and stops it when done. As root the server runs as the
 * {@code postgres} user, as PostgreSQL requires. It is a throw-away cluster for benchmarks: {@code fsync} is off.
 */
final class LocalPostgres implements AutoCloseable {
    static final String DATABASE = "hwp";

    private final Path bin = findBinaries();
    private final Path dir;
    private final int port;
    private final boolean root = "root".equals(System.getProperty("user.name"));
    private final Thread stopAtExit = new Thread(this::stop, "stop benchmark PostgreSQL");

    /** Starts the cluster in {@code dir} (created first if missing); true in {@code created} if it was new. */
    LocalPostgres(Path dir) throws IOException {
        this.dir = dir.toAbsolutePath();
        this.port = freePort();
        boolean fresh = !Files.exists(data().resolve("PG_VERSION"));
        if (fresh) {
            Files.createDirectories(this.dir);
            if (root) {
                run(List.of("chown", "postgres:postgres", this.dir.toString()));
            }
            run(asServerUser(
                    bin.resolve("initdb").toString(),
                    "-D",
                    data().toString(),
                    "-U",
                    "hwp",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-instructions"));
        }
        run(asServerUser(
                bin.resolve("pg_ctl").toString(),
                "-D",
                data().toString(),
                "-l",
                this.dir.resolve("server.log").toString(),
                "-w",
                "-t",
                "300",
                "-o",
                "-p " + port + " -k " + this.dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=4GB"
                        + " -c shared_buffers=512MB",
                "start"));
        Runtime.getRuntime().addShutdownHook(stopAtExit);
        if (fresh) {
            try (Connection c = DriverManager.getConnection(url("postgres"), "hwp", "");
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + DATABASE);
            } catch (SQLException e) {
                throw new IOException("cannot create the database: " + e.getMessage(), e);
            }
        }
    }

    DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url(DATABASE));
        ds.setUser("hwp");
        ds.setReWriteBatchedInserts(true);
        return ds;
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private Path data() {
        return dir.resolve("data");
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs stop() again, which is harmless
        }
    }

    private synchronized void stop() {
        try {
            if (Files.exists(data().resolve("postmaster.pid"))) {
                run(asServerUser(
                        bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w", "stop"));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("PostgreSQL did not stop cleanly: " + e.getMessage());
        }
    }

    private List<String> asServerUser(String... command) {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
    }

    private static Path findBinaries() {
        Path base = Paths.get("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.list(base)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(
                            b -> Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "PostgreSQL server binaries not found under " + base
                            + ": install them (apt-get install postgresql)",
                    e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
