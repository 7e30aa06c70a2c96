package org.hwpersonality.system;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The HWP distribution as an operator runs it: copied from {@code karaf-assembly/target/assembly} into its own
 * folder with a fresh {@code data/}, free ports, then started with {@code bin/start}, stopped with {@code bin/stop},
 * or killed with {@code kill -9} (its {@code karaf.pid}).
 */
final class Distribution implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * The administrator's password of the test distributions: given at their first start through {@code
     * HWP_ADMIN_PASSWORD} (the distribution ships with none), a new one for every test run.
     */
    static final String ADMIN_PASSWORD = "test-" + java.util.UUID.randomUUID();

    /** {@code user:password} of the administrator, as the load generator takes it. */
    static final String ADMIN_CREDENTIALS = "karaf:" + ADMIN_PASSWORD;

    /** The administrator's HTTP Basic {@code Authorization} header. */
    static final String ADMIN =
            "Basic " + java.util.Base64.getEncoder().encodeToString(ADMIN_CREDENTIALS.getBytes(StandardCharsets.UTF_8));

    private final Path home;
    private final int port;
    private boolean generatedPassword;
    private int httpsPort;

    private Distribution(Path home, int port) {
        this.home = home;
        this.port = port;
    }

    /** A fresh copy in {@code target/NAME}. */
    static Distribution copy(String name) throws IOException {
        Path home = Path.of("target", name).toAbsolutePath();
        deleteTree(home);
        copyTree(Path.of(System.getProperty("hwp.distribution", "../karaf-assembly/target/assembly")), home);
        Distribution d = new Distribution(home, freePort());
        d.setProperty("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(d.port));
        d.setProperty("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort()));
        d.httpsPort = freePort();
        d.setProperty("etc/system.properties", "hwp.https.port", String.valueOf(d.httpsPort));
        d.setProperty("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", String.valueOf(freePort()));
        d.setProperty("etc/org.apache.karaf.management.cfg", "rmiServerPort", String.valueOf(freePort()));
        // Karaf's shutdown socket takes a random free port otherwise, which can be the one chosen for HTTP above.
        d.setProperty("etc/custom.properties", "karaf.shutdown.port", String.valueOf(freePort()));
        // Every distribution of a test runs on this machine: each is a node of its own name.
        d.setProperty("etc/org.hwpersonality.node.cfg", "id", name);
        return d;
    }

    Path home() {
        return home;
    }

    /**
     * Learning from reports off: the load generator's VMs report made-up figures (1 GOPS, every fourth cycle), and
     * learning from them would rightly make every compression profile fail the generator's 10 GOPS requests, and
     * leave each under-delivering personality out of that VM's re-personalizations.
     */
    void withoutLearning() throws IOException {
        setProperty("etc/org.hwpersonality.management.cfg", "learningMinSamples", "1000000");
        setProperty("etc/org.hwpersonality.management.cfg", "underDeliveryExclusionMinutes", "0");
    }

    int port() {
        return port;
    }

    /** The HTTPS port (etc/hwp-https.xml, on every interface). */
    int httpsPort() {
        return httpsPort;
    }

    URI api() {
        return URI.create("http://localhost:" + port + "/hwp/api/v1/");
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** Sets {@code key = value} in a configuration file of {@code etc/} (added if absent). */
    void setProperty(String file, String key, String value) throws IOException {
        Path f = home.resolve(file);
        List<String> lines = Files.exists(f) ? Files.readAllLines(f) : List.of();
        StringBuilder out = new StringBuilder();
        boolean set = false;
        for (String line : lines) {
            if (line.matches("\\s*" + Pattern.quote(key) + "\\s*=.*")) {
                out.append(key).append(" = ").append(value).append('\n');
                set = true;
            } else {
                out.append(line).append('\n');
            }
        }
        if (!set) {
            out.append(key).append(" = ").append(value).append('\n');
        }
        Files.writeString(f, out);
    }

    /**
     * No cards from the simulated fleets the distribution ships ({@code etc/org.hwpersonality.backend.sim.fleet-*.cfg}
     * set to {@code devices = 0}): deleted, their files would be written again from the feature on the first start.
     * Fleets a test appends afterwards are kept.
     */
    void withoutShippedFleets() throws IOException {
        try (var files = Files.list(home.resolve("etc"))) {
            for (Path f : files.filter(
                            p -> p.getFileName().toString().startsWith("org.hwpersonality.backend.sim.fleet-"))
                    .toList()) {
                setProperty("etc/" + f.getFileName(), "devices", "0");
            }
        }
    }

    /** Points the distribution at a PostgreSQL database (user {@code hwp}, no password), as the README shows. */
    void onPostgres(String url) throws IOException {
        Files.writeString(
                home.resolve("etc/org.ops4j.datasource-hwp.cfg"),
                String.join(
                        "\n",
                        "osgi.jdbc.driver.name = PostgreSQL JDBC Driver",
                        "url = " + url,
                        "user = hwp",
                        "password = ",
                        "dataSourceName = hwp",
                        "pool = hikari",
                        "xa = false",
                        "hikari.maximumPoolSize = 16",
                        "hikari.autoCommit = false",
                        "hikari.initializationFailTimeout = -1",
                        "hikari.poolName = hwp",
                        "hikari.registerMbeans = true",
                        ""));
    }

    void append(String file, String text) throws IOException {
        Files.writeString(home.resolve(file), text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    void start() throws Exception {
        run("bin/start");
    }

    /** Starts it the first time without {@code HWP_ADMIN_PASSWORD}: it generates the administrator's password. */
    void startWithGeneratedPassword() throws Exception {
        generatedPassword = true;
        try {
            run("bin/start");
        } finally {
            generatedPassword = false;
        }
    }

    /** Waits until {@code /health} says UP; returns how long it took. */
    Duration awaitHealthy(Duration max) throws Exception {
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        while (!healthy()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not UP within " + max.toSeconds() + " s; " + diagnosis());
            }
            Thread.sleep(100);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Why a node is not UP, for a failure message that must explain itself where its files are gone (CI): whether the
     * process lives, what {@code /health} answered, and the log's warnings and last lines.
     */
    String diagnosis() {
        StringBuilder s = new StringBuilder();
        try {
            s.append("process: ")
                    .append(
                            Files.exists(home.resolve("karaf.pid"))
                                    ? ProcessHandle.of(pid())
                                            .map(p -> p.isAlive() ? "alive" : "gone")
                                            .orElse("gone")
                                    : "no karaf.pid")
                    .append("\n");
        } catch (IOException | RuntimeException e) {
            s.append("process: ").append(e).append("\n");
        }
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(api().resolve("health"))
                            .header("Authorization", ADMIN)
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            s.append("/health: ")
                    .append(r.statusCode())
                    .append(' ')
                    .append(r.body(), 0, Math.min(500, r.body().length()))
                    .append("\n");
        } catch (Exception e) {
            s.append("/health: ").append(e).append("\n");
        }
        for (String file : List.of("data/log/karaf.log", "karaf-console.out")) {
            Path f = home.resolve(file);
            try {
                List<String> lines = Files.exists(f) ? Files.readAllLines(f) : List.of();
                List<String> warnings = lines.stream()
                        .filter(l -> l.contains("| WARN ") || l.contains("| ERROR ") || l.startsWith("Caused by"))
                        .toList();
                s.append("--- ")
                        .append(f)
                        .append(": ")
                        .append(lines.size())
                        .append(" lines; warnings and errors (last 30):\n");
                warnings.subList(Math.max(0, warnings.size() - 30), warnings.size())
                        .forEach(l -> s.append(l).append('\n'));
                s.append("--- last 30 lines:\n");
                lines.subList(Math.max(0, lines.size() - 30), lines.size())
                        .forEach(l -> s.append(l).append('\n'));
            } catch (IOException | RuntimeException e) {
                s.append("--- ").append(f).append(": ").append(e).append('\n');
            }
        }
        return s.toString();
    }

    boolean healthy() {
        try {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(api().resolve("health"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return r.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** {@code kill -9} of the Karaf process, then waits for it to be gone. */
    void kill9() throws Exception {
        ProcessHandle.of(pid()).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
    }

    /** The Karaf process's ID, from the {@code karaf.pid} that {@code bin/start} writes. */
    private long pid() throws IOException {
        return Long.parseLong(Files.readString(home.resolve("karaf.pid")).trim());
    }

    void stop() throws Exception {
        if (Files.exists(home.resolve("karaf.pid")) && healthy()) {
            run("bin/stop");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (healthy() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        }
        if (Files.exists(home.resolve("karaf.pid"))) {
            ProcessHandle.of(pid()).ifPresent(p -> {
                if (!p.onExit()
                        .completeOnTimeout(p, 30, TimeUnit.SECONDS)
                        .join()
                        .isAlive()) {
                    return;
                }
                p.destroyForcibly();
            });
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    private void run(String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve(script).toString())
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        home.resolve(script.replace('/', '-') + ".out").toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // What the Karaf process prints on its console (bin/start sends it to /dev/null otherwise).
        pb.environment().put("KARAF_REDIRECT", home.resolve("karaf-console.out").toString());
        if (generatedPassword) {
            pb.environment().remove("HWP_ADMIN_PASSWORD");
        } else {
            pb.environment().put("HWP_ADMIN_PASSWORD", ADMIN_PASSWORD);
        }
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(script + " did not return");
        }
    }

    /** Runs a Karaf shell command as the administrator through {@code bin/client}; its output, or an error. */
    String shell(String command) throws Exception {
        return script("bin/client", "-u", "karaf", "-p", ADMIN_PASSWORD, "-r", "10", "-d", "2", command);
    }

    /** Runs one of the distribution's scripts with {@code arguments}: its output, or an error naming its exit code. */
    String script(String script, String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(home.resolve(script).toString());
        command.addAll(List.of(arguments));
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(script + " did not return");
        }
        if (p.exitValue() != 0) {
            throw new ScriptFailed(script, p.exitValue(), out);
        }
        return out;
    }

    /** A script that ended with an exit code other than 0. */
    static final class ScriptFailed extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;
        final String output;

        ScriptFailed(String script, int exitCode, String output) {
            super(script + " exited with " + exitCode + ": " + output);
            this.exitCode = exitCode;
            this.output = output;
        }
    }

    /** Ports handed out by this JVM: never twice, whoever binds them first. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port free now, below Linux's ephemeral range (32768 and up): a port the kernel picked for {@code
     * ServerSocket(0)} may be given to an outgoing connection (a node's JDBC or HTTP client) before the Karaf it was
     * chosen for binds it, which made a node fail with "Address already in use".
     */
    static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int tries = 0; tries < 1000; tries++) {
            int port = 20_000 + random.nextInt(12_000);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IOException("no free port between 20000 and 32000");
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path rel = from.relativize(dir);
                if (rel.toString().equals("data")) {
                    return FileVisitResult.SKIP_SUBTREE; // a fresh start
                }
                Files.createDirectories(to.resolve(rel.toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
