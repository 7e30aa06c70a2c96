package org.hwpersonality.agent;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar hwp-agent.jar --server URL --token TOKEN --vm VM --workload W ...}: see {@code --help}. */
@Command(
        name = "hwp-agent",
        mixinStandardHelpOptions = true,
        version = "hwp-agent 0.1.0",
        sortOptions = false,
        description = "The HWP monitoring agent for one VM: requests a personality, downloads its driver package,"
                + " verifies its SHA-256 and signature, unpacks it into --driver-dir, runs --rescan-command and"
                + " --load-command (or the package's signed loadInstructions); then"
                + " samples --metrics-command every --interval and, when performance stays below --threshold of what"
                + " the personality promises (--hysteresis samples in a row, never within --cooldown of the last"
                + " change, backing off after errors), asks for re-personalization and swaps drivers; every"
                + " --report-interval it reports the figures, from which the service learns. A request the server"
                + " accepts (202) while it programs the region is followed for up to --programming-wait."
                + " SIGTERM stops it.%n")
public final class AgentMain implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--server", required = true, description = "the API base, e.g. http://hwp:8181/hwp/api/v1")
    URI server;

    @Option(names = "--token", required = true, description = "the VM's token from its registration (or @FILE)")
    String token;

    @Option(names = "--vm", required = true, description = "the VM's ID")
    String vm;

    @Option(
            names = "--slot",
            description = "the slot this agent's accelerator fills, when the VM runs one agent per accelerator")
    String slot;

    @Option(names = "--workload", required = true, description = "the workload, e.g. ml-inference")
    String workload;

    @Option(names = "--os", description = "OS family (default: linux)")
    String os = "linux";

    @Option(names = "--kernel", description = "kernel version (default: this machine's)")
    String kernel = System.getProperty("os.version");

    @Option(names = "--min-throughput", description = "required throughput, GOPS")
    Double minThroughput;

    @Option(names = "--max-latency-us", description = "largest acceptable latency, µs")
    Double maxLatencyUs;

    @Option(names = "--max-power-watts", description = "largest acceptable power, W")
    Double maxPowerWatts;

    @Option(names = "--min-memory-mb", description = "least device memory, MiB")
    Long minMemoryMb;

    @Option(
            names = "--threshold",
            description = "low when measured ÷ promised performance is below this (default: ${DEFAULT-VALUE})")
    double threshold = 0.8;

    @Option(
            names = "--band",
            description = "hysteresis band above the threshold that clears the low count (default: ${DEFAULT-VALUE})")
    double band = 0.05;

    @Option(names = "--hysteresis", description = "low samples in a row that trigger (default: ${DEFAULT-VALUE})")
    int hysteresis = 3;

    @Option(
            names = "--interval",
            description = "time between samples: 500ms, 10s, 2m, PT10S (default: ${DEFAULT-VALUE})")
    String interval = "10s";

    @Option(
            names = "--report-interval",
            description = "how often to report the measured figures, from which the service learns what personalities"
                    + " deliver; 0: never (a re-personalization reports too) (default: ${DEFAULT-VALUE})")
    String reportInterval = "60s";

    @Option(names = "--cooldown", description = "no new request this long after a change (default: ${DEFAULT-VALUE})")
    String cooldown = "2m";

    @Option(names = "--backoff-max", description = "longest wait after failures (default: ${DEFAULT-VALUE})")
    String backoffMax = "5m";

    @Option(
            names = "--programming-wait",
            description = "how long to follow a request the server accepted (202) while its region is programmed,"
                    + " before giving up (default: ${DEFAULT-VALUE})")
    String programmingWait = "10m";

    @Option(names = "--metrics-command", required = true, description = "prints JSON or Prometheus text metrics")
    String metricsCommand;

    @Option(names = "--driver-dir", required = true, description = "where packages are unpacked")
    Path driverDir;

    @Option(
            names = "--load-command",
            description =
                    "run with the package folder and Personality ID (default: the package's signed loadInstructions)")
    String loadCommand;

    @Option(
            names = "--rescan-command",
            description = "run before a new personality's driver loads, e.g. 'echo 1 > /sys/bus/pci/rescan'")
    String rescanCommand;

    @Option(names = "--unload-command", description = "run for the old package when drivers are swapped")
    String unloadCommand;

    @Option(
            names = "--public-key",
            description = "the repository's signing key (PEM) to pin; default: fetched once from the server, which is"
                    + " refused over plain http:// (a key fetched that way could be anyone's)")
    Path publicKey;

    @Option(
            names = "--ca-file",
            description = "PEM file of the CA certificate(s), or the server's own certificate, to trust for an"
                    + " https:// --server, instead of the JVM's CA certificates (host names are checked)")
    Path caFile;

    @Option(
            names = "--pin-sha256",
            description = "trust only a server whose certificate's public key (SubjectPublicKeyInfo) has this SHA-256,"
                    + " base64 or hex, e.g. from: openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin"
                    + " -outform der | openssl dgst -sha256 -binary | base64. Alone it replaces the CA and host-name"
                    + " checks; with --ca-file both must hold")
    String pinSha256;

    @Option(names = "--release-on-exit", description = "release the allocation (and unload) when stopped")
    boolean releaseOnExit;

    @Option(names = "--once", description = "request, load, take one sample and decide, then exit")
    boolean once;

    public static void main(String[] args) {
        System.exit(new CommandLine(new AgentMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String secret = token.startsWith("@")
                ? Files.readString(Path.of(token.substring(1))).trim()
                : token;
        ApiClient api = new ApiClient(server, secret, tls());
        Decider decider = new Decider(
                threshold,
                band,
                hysteresis,
                duration("--cooldown", cooldown),
                Duration.ofSeconds(1),
                duration("--backoff-max", backoffMax));
        Duration every = duration("--interval", interval);
        if (every.toMillis() < 100) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--interval must be at least 100ms (was " + interval + ")");
        }
        Duration reportEvery =
                "0".equals(reportInterval.trim()) ? Duration.ZERO : duration("--report-interval", reportInterval);
        if (reportEvery.isNegative()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--report-interval must not be negative (was " + reportInterval + ")");
        }
        DriverInstaller installer = new DriverInstaller(
                api,
                driverDir.toAbsolutePath(),
                key(api),
                Optional.ofNullable(loadCommand),
                Optional.ofNullable(unloadCommand),
                Optional.ofNullable(rescanCommand),
                Duration.ofMinutes(5));
        ProgrammingWait programming;
        try {
            programming = new ProgrammingWait(
                    api,
                    duration("--programming-wait", programmingWait),
                    ProgrammingWait.FIRST_POLL,
                    ProgrammingWait.LONGEST_POLL);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Agent agent = new Agent(
                api,
                programming,
                installer,
                new MetricsCommand(metricsCommand, Duration.ofSeconds(30)),
                decider,
                Clock.systemUTC(),
                vm,
                request(),
                every,
                reportEvery,
                once,
                releaseOnExit);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    Log.info("signal received: stopping");
                    agent.stop();
                    try {
                        // The main thread releases and unloads if asked, then counts down. It must not call
                        // System.exit while this hook waits for it: exit waits for the hooks.
                        finished.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "hwp-agent-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Log.info(
                "hwp-agent for VM %s, workload %s, server %s, threshold %s, interval %s",
                vm, workload, server, threshold, every);
        try {
            return agent.run();
        } finally {
            finished.countDown();
        }
    }

    private Map<String, Object> request() {
        Map<String, Object> osInfo = new LinkedHashMap<>();
        osInfo.put("family", os);
        if (kernel != null && !kernel.isBlank()) {
            osInfo.put("kernel", kernel);
        }
        Map<String, Object> requirements = new LinkedHashMap<>();
        if (minThroughput != null) {
            requirements.put("minThroughputGops", minThroughput);
        }
        if (maxLatencyUs != null) {
            requirements.put("maxLatencyUs", maxLatencyUs);
        }
        if (maxPowerWatts != null) {
            requirements.put("maxPowerWatts", maxPowerWatts);
        }
        if (minMemoryMb != null) {
            requirements.put("minMemoryMb", minMemoryMb);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("vmId", vm);
        body.put("os", osInfo);
        body.put("workload", workload);
        body.put("requirements", requirements);
        if (slot != null) {
            body.put("slot", slot);
        }
        return body;
    }

    private boolean plainHttp() {
        return "http".equalsIgnoreCase(server.getScheme());
    }

    /** The TLS trust from --ca-file and --pin-sha256 (which need an https:// server). */
    private Optional<javax.net.ssl.SSLContext> tls() {
        if ((caFile != null || pinSha256 != null) && !"https".equalsIgnoreCase(server.getScheme())) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--ca-file and --pin-sha256 need an https:// --server (was " + server + ")");
        }
        try {
            return ServerTrust.context(Optional.ofNullable(caFile), Optional.ofNullable(pinSha256));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The pinned key, or the server's fetched once on first use (over https:// only). */
    private Supplier<byte[]> key(ApiClient api) throws Exception {
        if (publicKey != null) {
            byte[] pinned = pem(Files.readString(publicKey));
            return () -> pinned;
        }
        if (plainHttp()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "refusing to trust a driver-signing key fetched over plain http:// (anyone on the way could"
                            + " replace it): give the repository's key with --public-key PEM (GET /drivers/public-key"
                            + " over a trusted channel), or use an https:// --server");
        }
        AtomicReference<byte[]> fetched = new AtomicReference<>();
        return () -> {
            if (fetched.get() == null) {
                try {
                    fetched.set(api.publicKey());
                    Log.info("fetched the repository's public key from the server (pin it with --public-key)");
                } catch (ApiException e) {
                    throw new IllegalStateException("cannot fetch the repository's public key: " + e);
                }
            }
            return fetched.get();
        };
    }

    private static byte[] pem(String text) {
        return Base64.getDecoder()
                .decode(text.replace("-----BEGIN PUBLIC KEY-----", "")
                        .replace("-----END PUBLIC KEY-----", "")
                        .replaceAll("\\s", ""));
    }

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    /** {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} or ISO-8601 {@code PT10S}. */
    static Duration duration(String option, String text) {
        Matcher m = SHORT.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(
                    option + " must be a duration such as 500ms, 10s, 2m or PT10S (was '" + text + "')");
        }
    }
}
