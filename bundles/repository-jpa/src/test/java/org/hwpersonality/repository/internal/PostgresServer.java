package org.hwpersonality.repository.internal;

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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real, throw-away PostgreSQL server for tests: Debian's server binaries, a fresh cluster in a temporary
 * directory, listening on a free loopback port, stopped and deleted when the JVM exits. As root it runs the
 * server as the {@code postgres} user, as PostgreSQL requires. One server per JVM; one new database per caller.
 */
public final class PostgresServer {
    private static PostgresServer instance;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean root;
    private final AtomicInteger databases = new AtomicInteger();
    private boolean stopped;

    /** The JVM's server, started on first use (again after {@link #stopNow()}). */
    public static synchronized PostgresServer get() {
        if (instance == null) {
            instance = new PostgresServer();
        }
        return instance;
    }

    /**
     * Stops the JVM's server now, if one runs, and deletes its files (a test class that must leave nothing running
     * behind it, even when it failed); the next {@link #get()} starts a new one.
     */
    public static synchronized void stopNow() {
        if (instance != null) {
            instance.stop();
            instance = null;
        }
    }

    private PostgresServer() {
        bin = findBinaries();
        root = "root".equals(System.getProperty("user.name"));
        try {
            dir = Files.createTempDirectory("hwp-pg-");
            port = freePort();
            if (root) {
                run(List.of("chown", "postgres:postgres", dir.toString()));
            }
            run(asServerUser(
                    bin.resolve("initdb").toString(),
                    "-D",
                    dir.resolve("data").toString(),
                    "-U",
                    "hwp",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-instructions"));
            run(asServerUser(
                    bin.resolve("pg_ctl").toString(),
                    "-D",
                    dir.resolve("data").toString(),
                    "-l",
                    dir.resolve("server.log").toString(),
                    "-w",
                    "-o",
                    "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=200",
                    "start"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start PostgreSQL: " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "stop test PostgreSQL"));
    }

    /** A new, empty database on the server, as a DataSource. */
    public DataSource newDatabase() {
        String name = "hwp_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), "hwp", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url(name));
        ds.setUser("hwp");
        return ds;
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            run(asServerUser(
                    bin.resolve("pg_ctl").toString(),
                    "-D",
                    dir.resolve("data").toString(),
                    "-m",
                    "fast",
                    "-w",
                    "stop"));
        } catch (IOException | RuntimeException e) {
            System.err.println("PostgreSQL did not stop cleanly: " + e.getMessage());
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot delete " + dir + ": " + e.getMessage());
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
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
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
