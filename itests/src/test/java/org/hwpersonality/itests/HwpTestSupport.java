package org.hwpersonality.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.inject.Inject;
import javax.security.auth.Subject;
import org.apache.karaf.features.BootFinished;
import org.apache.karaf.features.FeaturesService;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.extra.VMOption;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The one base class of HWP's Pax Exam tests: boots the HWP distribution (the karaf-assembly artifact, offline,
 * on free ports) and offers what tests need: run a shell command as a user with roles, wait for a service or a
 * condition, find a bundle, copy a file into {@code deploy/}.
 */
public abstract class HwpTestSupport {
    /** The node ID of the distribution under test. */
    protected static final String NODE = "itest";

    protected static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected FeaturesService featuresService;

    @Inject
    protected SessionFactory sessionFactory;

    /** Injected only once the boot features are installed, so no test starts early. */
    @Inject
    protected BootFinished bootFinished;

    private final ExecutorService executor = Executors.newCachedThreadPool();

    @Configuration
    public Option[] config() {
        List<Option> options = new ArrayList<>(Arrays.asList(
                karafDistributionConfiguration()
                        .frameworkUrl(maven().groupId("org.hwpersonality")
                                .artifactId("hwp-karaf")
                                .type("tar.gz")
                                .versionAsInProject())
                        .name("HWP")
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(true),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.INFO),
                systemTimeout(TIMEOUT.toMillis() * 3),
                // How long an injected service (BootFinished) is waited for: a first boot stores the sample images
                // in the database, longer than Pax Exam's 10 s default on a busy machine.
                systemProperty("pax.exam.service.timeout").value(String.valueOf(TIMEOUT.toMillis() * 3)),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", freePort()),
                // No HTTPS listener: Pax Exam starts Karaf without bin/setenv, which makes its keystore on first
                // start (HTTPS is tested through bin/start, in system-tests' SecureDefaultsIT).
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.ops4j.pax.web.config.file", ""),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", freePort()),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", freePort()),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", freePort()),
                // The tests' own administrator password, in clear: Karaf hashes it at its first login, and HWP's
                // first-start password (the shipped entry has none) is then not needed.
                editConfigurationFilePut("etc/users.properties", "karaf", ADMIN_PASSWORD + ",_g_:admingroup"),
                // These suites check that wrong credentials are refused (401), dozens of times from one address:
                // the login throttle, which would answer 429 after 5, is tested in system-tests' SecureDefaultsIT.
                editConfigurationFilePut("etc/org.hwpersonality.rest.login.cfg", "freeFailures", "1000000"),
                // Device IDs are NODE:LOCAL-ID; a fixed node ID keeps them the same on every machine.
                editConfigurationFilePut("etc/org.hwpersonality.node.cfg", "id", NODE),
                editConfigurationFilePut("etc/org.hwpersonality.node.cfg", "roles", "api,host"),
                // The probe and Pax Exam's own bundles come from the build's local repository; no remote one is
                // configured.
                editConfigurationFilePut(
                        "etc/org.ops4j.pax.url.mvn.cfg",
                        "org.ops4j.pax.url.mvn.localRepository",
                        System.getProperty("org.ops4j.pax.url.mvn.localRepository", "")),
                editConfigurationFilePut("etc/branding.properties", "welcome", "")));
        options.addAll(java17Options());
        options.addAll(Arrays.asList(extraOptions()));
        return options.toArray(new Option[0]);
    }

    /** Options a test class adds to the container (configuration edits, extra bundles). */
    protected Option[] extraOptions() {
        return new Option[0];
    }

    @ProbeBuilder
    public TestProbeBuilder probeConfiguration(TestProbeBuilder probe) {
        probe.setHeader(Constants.DYNAMICIMPORT_PACKAGE, "*");
        return probe;
    }

    /** Karaf 4.4's start script passes these on Java 9+; Pax Exam starts the JVM itself, so they are repeated here. */
    private static List<Option> java17Options() {
        String karafVersion = System.getProperty("karaf.version");
        List<Option> vm = new ArrayList<>();
        for (String arg : new String[] {
            "--add-reads=java.xml=java.logging",
            "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
            "--patch-module",
            "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + karafVersion + ".jar",
            "--patch-module",
            "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + karafVersion + ".jar",
            "--add-opens",
            "java.base/java.security=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.net=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.lang=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.util=ALL-UNNAMED",
            "--add-opens",
            "java.naming/javax.naming.spi=ALL-UNNAMED",
            "--add-opens",
            "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
            "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
            "-classpath",
            "lib/jdk9plus/*" + File.pathSeparator + "lib/boot/*"
        }) {
            vm.add(new VMOption(arg));
        }
        return vm;
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port free now, below Linux's ephemeral range (32768 and up): a port the kernel picked for {@code
     * ServerSocket(0)} could be given to an outgoing connection before Karaf binds it ("Address already in use").
     */
    protected static String freePort() {
        java.util.Random random = new java.util.Random();
        for (int tries = 0; tries < 1000; tries++) {
            int port = 20_000 + random.nextInt(12_000);
            if (!HANDED_OUT.add(port)) {
                continue; // never the same twice
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new java.net.InetSocketAddress(port));
                return Integer.toString(port);
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IllegalStateException("no free port between 20000 and 32000");
    }

    /**
     * Runs a shell command as {@code karaf} with the admin role and returns what it printed. A command that is not
     * registered yet (Karaf registers commands shortly after the services they use) is retried for up to 20 s.
     */
    protected String executeCommand(String command) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return executeCommandAs(command, "karaf", "admin");
            } catch (CommandFailed e) {
                boolean notRegistered = e.getCause() != null
                        && e.getCause().getClass().getSimpleName().equals("CommandNotFoundException");
                if (!notRegistered || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /**
     * Runs a shell command as the given user and roles and returns what it printed (standard output and error).
     * A command that fails throws, with its output in the message.
     */
    protected String executeCommandAs(String command, String user, String... roles) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        Subject subject = new Subject();
        subject.getPrincipals().add(new UserPrincipal(user));
        for (String role : roles) {
            subject.getPrincipals().add(new RolePrincipal(role));
        }
        Callable<Object> call = () -> Subject.doAs(subject, (PrivilegedExceptionAction<Object>) () -> {
            Session session = sessionFactory.create(System.in, print, print);
            try {
                return session.execute(command);
            } finally {
                session.close();
            }
        });
        Future<Object> result = executor.submit(call);
        try {
            result.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            result.cancel(true);
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new CommandFailed(command, out.toString(StandardCharsets.UTF_8), cause);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A shell command that failed, with what it printed. */
    public static final class CommandFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CommandFailed(String command, String output, Throwable cause) {
            super("'" + command + "' failed: " + cause + (output.isEmpty() ? "" : "\n" + output), cause);
        }
    }

    /** Waits for a service of the given type (and filter, may be null) and returns it. */
    protected <T> T waitForService(Class<T> type, String filter) {
        String objectClass = "(" + Constants.OBJECTCLASS + "=" + type.getName() + ")";
        String full = filter == null ? objectClass : "(&" + objectClass + filter + ")";
        try {
            Filter osgiFilter = FrameworkUtil.createFilter(full);
            ServiceTracker<T, T> tracker = new ServiceTracker<>(bundleContext, osgiFilter, null);
            tracker.open(true);
            T service = tracker.waitForService(TIMEOUT.toMillis());
            if (service == null) {
                throw new AssertionError("no service " + full + " within " + TIMEOUT);
            }
            return service;
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(full, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + full, e);
        }
    }

    /** Polls until the condition holds, failing with the message after {@code timeout}. */
    protected void waitUntil(String message, Duration timeout, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Boolean.TRUE.equals(condition.get())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message + " (not within " + timeout + ")");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(message + " (interrupted)", e);
            }
        }
    }

    /** The installed bundle with this symbolic name, or null. */
    protected Bundle bundle(String symbolicName) {
        return Arrays.stream(bundleContext.getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst()
                .orElse(null);
    }

    /** The port of Karaf's HTTP service in this container. */
    protected int httpPort() {
        return Integer.parseInt(String.valueOf(configured("org.ops4j.pax.web", "org.osgi.service.http.port")));
    }

    /**
     * A configuration property as Configuration Admin holds it, or null. Read from the service, not with the shell's
     * {@code config:property-get --pid}, which writes the configuration back (and its file through File Install):
     * two of those in a row raced with File Install re-reading the first one's file, and the second read an
     * emptied configuration (HwpDistributionIT, CI 2026-12-05).
     */
    protected Object configured(String pid, String key) {
        try {
            org.osgi.service.cm.ConfigurationAdmin admin =
                    waitForService(org.osgi.service.cm.ConfigurationAdmin.class, null);
            org.osgi.service.cm.Configuration[] found = admin.listConfigurations("(service.pid=" + pid + ")");
            if (found == null || found.length == 0 || found[0].getProperties() == null) {
                return null;
            }
            return found[0].getProperties().get(key);
        } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code http://localhost:PORT} + {@code path}. */
    protected java.net.URI http(String path) {
        return java.net.URI.create("http://localhost:" + httpPort() + path);
    }

    /** The administrator's password the tests give the distribution (etc/users.properties). */
    protected static final String ADMIN_PASSWORD = "it-admin-pw";

    /** The Basic authorization header of the tests' administrator. */
    protected static String adminAuthorization() {
        return "Basic "
                + java.util.Base64.getEncoder()
                        .encodeToString(("karaf:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    /** The running Karaf's home directory. */
    protected Path karafHome() {
        return Paths.get(System.getProperty("karaf.home"));
    }

    /** Copies a file into the running Karaf's {@code deploy/} (write to a temporary name, then rename, as an operator's tool would). */
    protected Path copyToDeploy(Path file) throws IOException {
        Path deploy = karafHome().resolve("deploy");
        Files.createDirectories(deploy);
        Path temp = deploy.resolve("." + file.getFileName() + ".part");
        Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(temp, deploy.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }
}
