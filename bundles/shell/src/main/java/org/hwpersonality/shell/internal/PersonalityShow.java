package org.hwpersonality.shell.internal;

import java.io.PrintStream;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.ProfileRepository;

/** {@code personality:show ID}: one profile in full, with its lineage if it was derived. */
@Service
@Command(scope = "personality", name = "show", description = "Shows a hardware personality profile in full")
public class PersonalityShow implements Action {
    @Argument(index = 0, name = "id", description = "Personality ID", required = true)
    @Completion(ProfileIdCompleter.class)
    String id;

    @Reference
    ProfileRepository repository;

    @Reference
    org.hwpersonality.api.service.ManagementService management;

    @Override
    public Object execute() {
        PersonalityProfile p = repository.find(id).orElseThrow(() -> HwpException.notFound("profile", id));
        PrintStream out = System.out;
        out.println("Personality ID : " + p.personalityId());
        out.println("Name / version : " + p.name() + " v" + p.version());
        out.println("Description    : " + p.description());
        out.println("Status         : " + p.status());
        out.println("Loaded by      : " + Sharings.describe(management.profileSharing(p.personalityId())));
        out.println("Origin         : " + p.origin() + "   created " + p.createdAt());
        p.lineage().ifPresent(l -> {
            out.println("Derived from   : " + l.parentId());
            out.println("Adjustments    : "
                    + l.adjustments().entrySet().stream()
                            .sorted(java.util.Map.Entry.comparingByKey())
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(", ")));
            if (!l.reason().isEmpty()) {
                out.println("Reason         : " + l.reason());
            }
        });
        out.println("Devices        : " + p.compatibility().vendor() + " "
                + p.compatibility().family()
                + (p.compatibility().interfaceIds().isEmpty()
                        ? " (any shell)"
                        : " shells " + p.compatibility().interfaceIds()));
        out.println("Workloads      :");
        p.workloads().forEach(w -> {
            PerformanceFigures f = w.performance();
            out.printf(
                    "  %-24s %10.1f GOPS %10.1f µs %8.1f W%n",
                    w.workload(), f.throughputGops(), f.latencyUs(), f.powerWatts());
        });
        learned(out, p.personalityId());
        out.println("Guest OS       :");
        p.osSupport()
                .forEach(s -> out.println("  " + s.family() + " kernels " + s.kernels() + " driver " + s.driverName()));
        out.println("Fabric         : " + p.fabric().regionKind() + " image "
                + p.fabric().bitstream());
        var r = p.fabric().resources();
        out.println("  resources    : " + r.luts() + " LUTs, " + r.registers() + " FFs, " + r.bramBlocks() + " BRAM, "
                + r.dsps() + " DSPs, " + r.memoryMb() + " MiB");
        p.fabric().clocks().forEach(c -> out.println("  clock        : " + c.name() + " " + c.frequencyMhz() + " MHz"));
        p.memoryMap()
                .segments()
                .forEach(s -> out.printf(
                        "  memory       : %-8s %-5s 0x%012x +%d MiB%n",
                        s.name(), s.kind(), s.baseAddress(), s.sizeBytes() >> 20));
        p.peripherals().forEach(x -> out.println("  peripheral   : " + x.name() + " " + x.settings()));
        p.tunables()
                .forEach(t -> out.println("Tunable        : " + t.name() + " " + t.min() + ".." + t.max() + " step "
                        + t.step() + " (nominal " + t.nominal() + ")"));
        return null;
    }

    /**
     * What the VMs' reports taught, per device family and workload: sample count, medians and tails (p10 of
     * throughput, p90 of latency and power), whether the matcher ranks by it, and a flag when it fell well short.
     */
    private void learned(PrintStream out, String personalityId) {
        var learned = management.learned(personalityId);
        int minSamples = management.learningMinSamples();
        if (learned.isEmpty()) {
            out.println("Learned        : no reports yet (ranked by its promise until " + minSamples + ")");
            return;
        }
        out.println("Learned        : from the VMs' reports (ranked by them from " + minSamples + " samples)");
        learned.forEach(l -> {
            out.printf(
                    "  %-12s %-24s %5d reports from %d VMs%s%s%n",
                    l.family(),
                    l.workload(),
                    l.samples(),
                    l.vms(),
                    l.samples() >= minSamples ? ", ranked" : "",
                    l.flaggedAt()
                            .map(t -> ", FLAGGED since " + t + " (well short of the promise)")
                            .orElse(""));
            out.println("    throughput " + figure(l.throughputMedian(), l.throughputLow(), "p10", "GOPS")
                    + "; latency " + figure(l.latencyMedian(), l.latencyHigh(), "p90", "µs")
                    + "; power " + figure(l.powerMedian(), l.powerHigh(), "p90", "W"));
        });
    }

    private static String figure(
            java.util.Optional<Double> median, java.util.Optional<Double> tail, String which, String unit) {
        return median.map(m ->
                        String.format(java.util.Locale.ROOT, "median %.1f %s, %s %.1f", m, unit, which, tail.orElse(m)))
                .orElse("not reported");
    }
}
