package org.hwpersonality.management.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hwpersonality.api.Settings;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.node.Node;
import org.hwpersonality.api.node.NodeRole;
import org.hwpersonality.api.store.NodeRecords;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * This process as a node of the installation: its ID and roles ({@code etc/org.hwpersonality.node.cfg}, overridden by
 * {@code HWP_NODE_ID} and {@code HWP_NODE_ROLES}), and the lease it holds in the database while it runs.
 *
 * <p>At start it takes its node's row. If another process holds it with a lease still running, that process may be
 * alive (a second process with the same ID) or dead (a {@code kill -9} a moment ago): one that ran on this machine
 * under a process ID that no longer exists is dead at once; otherwise this one waits for the lease to run out, and
 * takes over only if nobody renewed it meanwhile. A live holder makes this process refuse to start: it says why and
 * stops the framework. Every heartbeat renews the lease and turns OFFLINE the devices of nodes whose lease ran out.
 */
@Component(
        service = NodeIdentity.class,
        immediate = true,
        configurationPid = NodeIdentity.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = NodeIdentity.Config.class)
public class NodeIdentity {
    static final String PID = "org.hwpersonality.node";
    private static final Logger LOG = Logger.getLogger(NodeIdentity.class.getName());
    static final String ACTOR = "hwp-node";

    @ObjectClassDefinition(
            name = "HWP Node",
            description = "This distribution as a node of the installation: ID, roles and lease."
                    + " The environment variables HWP_NODE_ID and HWP_NODE_ROLES override id and roles at start.")
    public @interface Config {
        @AttributeDefinition(
                name = "Node ID",
                description =
                        "Unique in the installation; empty: the host name. Letters, digits, . _ : -, at most" + " 64.")
        String id() default "";

        @AttributeDefinition(
                name = "Roles",
                description = "api (HTTP, shell, console, matching) and/or host (runs the back ends of this"
                        + " machine's cards), comma-separated.")
        String roles() default "api,host";

        @AttributeDefinition(
                name = "Lease (s)",
                description = "A node whose lease is not renewed for this long is taken for gone: its devices turn"
                        + " OFFLINE.")
        long leaseSeconds() default 10;

        @AttributeDefinition(name = "Heartbeat (s)", description = "How often the lease is renewed.")
        long heartbeatSeconds() default 2;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final NodeRecords records;
    private final String id;
    private final Set<NodeRole> roles;
    private final String session;
    private final Duration lease;
    private final Instant startedAt = Instant.now();
    private final List<Runnable> expiryListeners = new CopyOnWriteArrayList<>();
    private volatile EventAdmin eventAdmin;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hwp-node-heartbeat");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public NodeIdentity(@Reference NodeRecords records, Config config, BundleContext context) {
        this(records, Settings.check(Config.class, config), System.getenv(), context);
    }

    NodeIdentity(NodeRecords records, Config config, Map<String, String> environment, BundleContext context) {
        this.records = records;
        this.id = nodeId(Optional.ofNullable(environment.get("HWP_NODE_ID")).orElse(config.id()));
        this.roles =
                roles(Optional.ofNullable(environment.get("HWP_NODE_ROLES")).orElse(config.roles()));
        this.lease = Duration.ofSeconds(Math.max(2, config.leaseSeconds()));
        byte[] raw = new byte[16];
        RANDOM.nextBytes(raw);
        this.session = HexFormat.of().formatHex(raw);
        try {
            register(Duration.ofSeconds(Math.max(1, config.heartbeatSeconds())));
        } catch (IllegalStateException refused) {
            String message = "HWP refuses to start: " + refused.getMessage();
            LOG.severe(message);
            System.err.println(message);
            if (context != null) {
                stopFramework(context);
            }
            throw refused;
        }
        if (roles.contains(NodeRole.HOST)) {
            int adopted = records.adoptUnassignedDevices(id);
            if (adopted > 0) {
                LOG.info("Node " + id + " adopted " + adopted + " devices recorded before devices had nodes");
            }
        }
        long every = Math.max(1, config.heartbeatSeconds());
        heartbeat.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.SECONDS);
        LOG.info("Node " + id + " " + roleLabels() + " started (session " + session.substring(0, 8) + ")");
    }

    private static void stopFramework(BundleContext context) {
        Thread stopper = new Thread(
                () -> {
                    try {
                        context.getBundle(0).stop();
                    } catch (BundleException | RuntimeException e) {
                        LOG.log(Level.SEVERE, "could not stop the framework", e);
                    }
                },
                "hwp-node-refused");
        stopper.start();
    }

    /** The node's ID: configured, else the host name; checked. */
    static String nodeId(String configured) {
        String value = configured == null ? "" : configured.trim();
        if (value.isEmpty()) {
            value = hostName();
        }
        if (NodeRecords.UNASSIGNED.equals(value)) {
            throw new ValidationException("node", "'" + NodeRecords.UNASSIGNED + "' is reserved");
        }
        return Node.id(value);
    }

    static Set<NodeRole> roles(String configured) {
        Set<NodeRole> out = EnumSet.noneOf(NodeRole.class);
        for (String r : (configured == null ? "" : configured).split(",")) {
            if (!r.isBlank()) {
                out.add(NodeRole.of("roles", r));
            }
        }
        if (out.isEmpty()) {
            throw new ValidationException("roles", "must name at least one role: api, host");
        }
        return out;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim().toLowerCase(Locale.ROOT);
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private Node self(Instant now) {
        return new Node(id, roles, hostName(), startedAt, now, now.plus(lease), 0);
    }

    private void register(Duration heartbeatEvery) {
        long pid = ProcessHandle.current().pid();
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<NodeRecords.Holder> holder = records.holder(id);
            if (holder.isEmpty()) {
                if (records.take(self(Instant.now()), session, pid, Optional.empty())) {
                    return;
                }
                continue; // another process inserted it meanwhile: look again
            }
            NodeRecords.Holder h = holder.get();
            Instant now = Instant.now();
            boolean deadHere = h.node().hostName().equals(hostName())
                    && ProcessHandle.of(h.pid()).map(p -> !p.isAlive()).orElse(true);
            if (h.node().live(now) && !deadHere) {
                // Wait until the lease runs out; a live holder renews it meanwhile.
                Instant until = h.node().leaseUntil().plus(heartbeatEvery);
                LOG.info("Node " + id + " is held by a process on " + h.node().hostName() + " (pid " + h.pid()
                        + ") until " + h.node().leaseUntil() + "; waiting to see whether it is alive");
                sleepUntil(until);
                Optional<NodeRecords.Holder> again = records.holder(id);
                if (again.isPresent()
                        && again.get().session().equals(h.session())
                        && again.get().node().heartbeatAt().isAfter(h.node().heartbeatAt())) {
                    throw new IllegalStateException("node ID '" + id + "' is in use by a running process on "
                            + h.node().hostName() + " (pid " + h.pid() + "), whose lease is live until "
                            + again.get().node().leaseUntil() + ". Give this distribution another ID"
                            + " (HWP_NODE_ID or id in etc/" + PID + ".cfg), or stop that process.");
                }
                if (again.isEmpty() || !again.get().session().equals(h.session())) {
                    continue; // it changed hands meanwhile: look again
                }
            }
            if (records.take(self(Instant.now()), session, pid, Optional.of(h.session()))) {
                return;
            }
        }
        throw new IllegalStateException("node ID '" + id + "' kept changing hands while this process started");
    }

    private static void sleepUntil(Instant until) {
        long ms = Duration.between(Instant.now(), until).toMillis();
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the node's lease", e);
        }
    }

    private void beat() {
        try {
            Instant now = Instant.now();
            if (!records.renew(id, session, now, now.plus(lease))) {
                LOG.severe("Node " + id + ": another process took this node's row (this one missed its lease);"
                        + " taking it back");
                records.holder(id)
                        .ifPresent(h -> records.take(
                                self(now), session, ProcessHandle.current().pid(), Optional.of(h.session())));
            }
            List<String> expired = records.expireLeases(now, ACTOR);
            if (!expired.isEmpty()) {
                LOG.warning("Lease expired: the devices of " + expired + " are OFFLINE until those nodes return");
                EventAdmin admin = eventAdmin;
                for (String node : expired) {
                    if (admin != null) {
                        admin.postEvent(new Event(HwpEvent.topic("node", "LEASE_EXPIRED"), Map.of("node", node)));
                    }
                }
                expiryListeners.forEach(Runnable::run);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Heartbeat of node " + id + " failed; it runs again", e);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindEventAdmin(EventAdmin admin) {
        this.eventAdmin = admin;
    }

    void unbindEventAdmin(EventAdmin admin) {
        if (this.eventAdmin == admin) {
            this.eventAdmin = null;
        }
    }

    /** Runs {@code listener} after the devices of nodes whose lease ran out were turned OFFLINE. */
    void onLeaseExpiry(Runnable listener) {
        expiryListeners.add(listener);
    }

    /** A node's ID and roles hold for the life of its process; a change applies at the next start. */
    @Modified
    void modified(Config config) {
        LOG.info("Node " + id + ": configuration changed; a new ID or roles apply at the next start");
    }

    /** Stops renewing and gives the lease up, so that the next process of this node takes over at once. */
    @Deactivate
    void stop() {
        heartbeat.shutdownNow();
        try {
            records.release(id, session);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not give the lease of node " + id + " up; it runs out by itself", e);
        }
    }

    public String id() {
        return id;
    }

    /** The random value that tells this process from earlier ones of the same node. */
    String session() {
        return session;
    }

    boolean has(NodeRole role) {
        return roles.contains(role);
    }

    Set<NodeRole> roles() {
        return roles;
    }

    private String roleLabels() {
        return roles.stream().map(NodeRole::label).toList().toString();
    }

    List<Node> nodes() {
        return records.nodes();
    }
}
