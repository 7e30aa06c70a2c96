package org.hwpersonality.metrics.internal;

import io.prometheus.client.Collector;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import javax.management.JMException;
import javax.management.ObjectName;
import org.hwpersonality.metrics.HwpMetrics;
import org.osgi.service.component.annotations.Component;

/**
 * The JVM's and the process's metrics, named as the Prometheus client's HotSpot collectors name them, under HWP's
 * prefix ({@code jvm_memory_bytes_used} is {@code hwp_jvm_memory_bytes_used}). Read from the platform MXBeans; the
 * process's CPU time and open files through JMX attributes, since the client's {@code simpleclient_hotspot} bundle
 * imports {@code com.sun.management}, which Karaf 4.4 does not export, and so does not resolve in Karaf.
 */
@Component(service = Collector.class, property = HwpMetrics.COLLECTOR)
public final class JvmMetrics extends Collector {
    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples> out = new ArrayList<>();
        var memory = ManagementFactory.getMemoryMXBean();
        GaugeMetricFamily used = new GaugeMetricFamily(
                "hwp_jvm_memory_bytes_used", "Used bytes of a JVM memory area (heap, nonheap)", List.of("area"));
        GaugeMetricFamily committed = new GaugeMetricFamily(
                "hwp_jvm_memory_bytes_committed", "Committed bytes of a JVM memory area", List.of("area"));
        GaugeMetricFamily max = new GaugeMetricFamily(
                "hwp_jvm_memory_bytes_max", "Maximum bytes of a JVM memory area (-1: no limit)", List.of("area"));
        area(used, committed, max, "heap", memory.getHeapMemoryUsage());
        area(used, committed, max, "nonheap", memory.getNonHeapMemoryUsage());
        out.add(used);
        out.add(committed);
        out.add(max);

        GaugeMetricFamily pools = new GaugeMetricFamily(
                "hwp_jvm_memory_pool_bytes_used", "Used bytes of a JVM memory pool", List.of("pool"));
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage usage = pool.getUsage();
            if (usage != null) {
                pools.addMetric(List.of(pool.getName()), usage.getUsed());
            }
        }
        out.add(pools);

        // A summary without quantiles, as the client's GarbageCollectorExports writes it.
        List<MetricFamilySamples.Sample> gc = new ArrayList<>();
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            List<String> labels = List.of("gc");
            List<String> values = List.of(collector.getName());
            gc.add(new MetricFamilySamples.Sample(
                    "hwp_jvm_gc_collection_seconds_count", labels, values, collector.getCollectionCount()));
            gc.add(new MetricFamilySamples.Sample(
                    "hwp_jvm_gc_collection_seconds_sum", labels, values, collector.getCollectionTime() / 1000.0));
        }
        out.add(new MetricFamilySamples(
                "hwp_jvm_gc_collection_seconds",
                Type.SUMMARY,
                "Time spent in a JVM garbage collector, and how many collections",
                gc));

        var threads = ManagementFactory.getThreadMXBean();
        out.add(new GaugeMetricFamily("hwp_jvm_threads_current", "Current JVM threads", threads.getThreadCount()));
        out.add(new GaugeMetricFamily(
                "hwp_jvm_threads_peak", "Peak JVM threads since start", threads.getPeakThreadCount()));
        out.add(new GaugeMetricFamily(
                "hwp_jvm_classes_currently_loaded",
                "Classes loaded in the JVM now",
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount()));

        var runtime = ManagementFactory.getRuntimeMXBean();
        out.add(new GaugeMetricFamily(
                "hwp_process_start_time_seconds",
                "When the process started, in seconds since the epoch",
                runtime.getStartTime() / 1000.0));
        Object cpu = operatingSystem("ProcessCpuTime");
        if (cpu instanceof Number n && n.longValue() >= 0) {
            out.add(new CounterMetricFamily(
                    "hwp_process_cpu_seconds", "CPU time the process used, in seconds", n.longValue() / 1e9));
        }
        Object files = operatingSystem("OpenFileDescriptorCount");
        if (files instanceof Number n) {
            out.add(new GaugeMetricFamily("hwp_process_open_fds", "Open file descriptors", n.doubleValue()));
        }
        return out;
    }

    private static void area(
            GaugeMetricFamily used, GaugeMetricFamily committed, GaugeMetricFamily max, String area, MemoryUsage u) {
        used.addMetric(List.of(area), u.getUsed());
        committed.addMetric(List.of(area), u.getCommitted());
        max.addMetric(List.of(area), u.getMax());
    }

    /** An attribute of the platform's OperatingSystem MBean (HotSpot's has the process's CPU time and files). */
    private static Object operatingSystem(String attribute) {
        try {
            return ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new ObjectName(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME), attribute);
        } catch (JMException | RuntimeException e) {
            return null;
        }
    }
}
