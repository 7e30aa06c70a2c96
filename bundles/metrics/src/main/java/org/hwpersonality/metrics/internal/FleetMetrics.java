package org.hwpersonality.metrics.internal;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.device.BackendInfo;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.node.Node;
import org.hwpersonality.api.service.DeviceService;
import org.hwpersonality.api.store.AllocationRecords;
import org.hwpersonality.metrics.HwpMetrics;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The installation's state, read from the database at each scrape (through indexes: the cost does not grow with
 * history): allocations holding a region by state, regions by node, family and
 * state, devices by node and state, back ends present and their health, nodes and their leases, and the database
 * pool (HikariCP's pool MBean, registered by the {@code hikari.registerMbeans} setting of the shipped DataSource).
 */
@Component(service = Collector.class, property = HwpMetrics.COLLECTOR)
public final class FleetMetrics extends Collector {
    /** The HikariCP pool of the shipped DataSource ({@code hikari.poolName = hwp}). */
    static final String POOL = "com.zaxxer.hikari:type=Pool (hwp)";

    /** Label values in a stable order, so that each scrape lists them the same way. */
    private static final java.util.Comparator<List<String>> ORDER =
            java.util.Comparator.comparing(values -> String.join("\u0000", values));

    /** The states in which an allocation holds a region. */
    private static final List<AllocationState> HOLDING = List.of(
            AllocationState.RESERVED,
            AllocationState.PROGRAMMING,
            AllocationState.ATTACHING,
            AllocationState.ACTIVE,
            AllocationState.RELEASING);

    private final DeviceService devices;
    private final AllocationRecords allocations;

    @Activate
    public FleetMetrics(@Reference DeviceService devices, @Reference AllocationRecords allocations) {
        this.devices = devices;
        this.allocations = allocations;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples> out = new ArrayList<>();
        GaugeMetricFamily byState = new GaugeMetricFamily(
                "hwp_allocations",
                "Allocations that hold a region, by state (of every node); those that ended are counted by"
                        + " hwp_matches_total and hwp_failures_total",
                List.of("state"));
        Map<AllocationState, Long> counts = allocations.countHolding();
        for (AllocationState s : HOLDING) {
            byState.addMetric(List.of(s.name()), counts.getOrDefault(s, 0L));
        }
        out.add(byState);

        Map<List<String>, Integer> regions = new TreeMap<>(ORDER);
        Map<List<String>, Integer> deviceStates = new TreeMap<>(ORDER);
        for (Device d : devices.devices()) {
            deviceStates.merge(
                    List.of(d.node(), d.family(), d.state().name(), d.health().healthy() ? "OK" : "DEGRADED"),
                    1,
                    Integer::sum);
            for (Region r : d.regions()) {
                regions.merge(List.of(d.node(), d.family(), r.state().name()), 1, Integer::sum);
            }
        }
        out.add(gauge(
                "hwp_regions",
                "Regions by node, device family and state",
                List.of("node", "family", "state"),
                regions));
        out.add(gauge(
                "hwp_devices",
                "Devices by node, family, state and health (OK or DEGRADED)",
                List.of("node", "family", "state", "health"),
                deviceStates));

        GaugeMetricFamily backends = new GaugeMetricFamily(
                "hwp_backend_up",
                "Back ends present on this node: 1 when the last discovery worked, 0 when its tools are missing or"
                        + " failing (DEGRADED)",
                List.of("vendor"));
        GaugeMetricFamily backendDevices = new GaugeMetricFamily(
                "hwp_backend_devices", "Devices each back end on this node reported", List.of("vendor"));
        for (BackendInfo b : devices.backends()) {
            backends.addMetric(List.of(b.vendor()), b.problem().isPresent() ? 0 : 1);
            backendDevices.addMetric(List.of(b.vendor()), b.devices());
        }
        out.add(backends);
        out.add(backendDevices);

        Instant now = Instant.now();
        GaugeMetricFamily nodes = new GaugeMetricFamily(
                "hwp_node_up", "Nodes recorded: 1 while the node's lease is live, 0 once it expired", List.of("node"));
        GaugeMetricFamily lease = new GaugeMetricFamily(
                "hwp_node_lease_seconds", "Seconds left on each node's lease (negative once expired)", List.of("node"));
        for (Node n : devices.nodes()) {
            nodes.addMetric(List.of(n.id()), n.live(now) ? 1 : 0);
            lease.addMetric(List.of(n.id()), (n.leaseUntil().toEpochMilli() - now.toEpochMilli()) / 1000.0);
        }
        out.add(nodes);
        out.add(lease);
        pool().ifPresent(out::add);
        return out;
    }

    /** The database pool's connections by state, while the pool's MBean is there. */
    private static java.util.Optional<MetricFamilySamples> pool() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName name = new ObjectName(POOL);
            if (!server.isRegistered(name)) {
                return java.util.Optional.empty();
            }
            GaugeMetricFamily pool = new GaugeMetricFamily(
                    "hwp_db_pool_connections",
                    "The database pool's connections: active (in use), idle, total, pending (threads waiting for one)",
                    List.of("state"));
            pool.addMetric(List.of("active"), ((Number) server.getAttribute(name, "ActiveConnections")).doubleValue());
            pool.addMetric(List.of("idle"), ((Number) server.getAttribute(name, "IdleConnections")).doubleValue());
            pool.addMetric(List.of("total"), ((Number) server.getAttribute(name, "TotalConnections")).doubleValue());
            pool.addMetric(
                    List.of("pending"),
                    ((Number) server.getAttribute(name, "ThreadsAwaitingConnection")).doubleValue());
            return java.util.Optional.of(pool);
        } catch (JMException e) {
            return java.util.Optional.empty();
        }
    }

    private static GaugeMetricFamily gauge(
            String name, String help, List<String> labels, Map<List<String>, Integer> values) {
        GaugeMetricFamily g = new GaugeMetricFamily(name, help, labels);
        values.forEach((k, v) -> g.addMetric(k, v));
        return g;
    }
}
