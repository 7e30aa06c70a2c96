package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationResult;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.service.ManagementService;

/**
 * {@code personality:request --vm VM --os linux --workload W [requirements]}: a Personality Request on a VM's behalf;
 * prints the allocation, the driver to load and how the match was decided.
 */
@Service
@Command(scope = "personality", name = "request", description = "Requests a personality on a VM's behalf")
public class PersonalityRequestCommand implements Action {
    @Option(name = "--vm", description = "The VM's ID (see vm:list)", required = true)
    @Completion(VmIdCompleter.class)
    String vm;

    @Option(name = "--os", description = "Guest OS family, e.g. linux", required = true)
    String os;

    @Option(name = "--kernel", description = "Guest kernel version, e.g. 5.15.0")
    String kernel;

    @Option(name = "--workload", description = "The workload, e.g. compression", required = true)
    String workload;

    @Option(name = "--min-throughput", description = "Throughput floor in GOPS")
    String minThroughput;

    @Option(name = "--max-latency-us", description = "Latency ceiling in µs")
    String maxLatency;

    @Option(name = "--max-power-watts", description = "Power ceiling in W")
    String maxPower;

    @Option(name = "--min-memory-mb", description = "Device memory the workload needs, in MiB")
    String minMemory;

    @Option(
            name = "--slot",
            description = "The slot this accelerator fills (a VM holds one per slot; default: default)")
    String slot;

    @Reference
    ManagementService management;

    @Override
    public Object execute() {
        Requirements requirements;
        try {
            requirements = new Requirements(
                    Numbers.decimal("--min-throughput", minThroughput),
                    Numbers.decimal("--max-latency-us", maxLatency),
                    Numbers.decimal("--max-power-watts", maxPower),
                    Numbers.integer("--min-memory-mb", minMemory));
        } catch (ValidationException e) {
            throw e.within("requirements");
        }
        AllocationResult r = management.request(
                new PersonalityRequest(vm, OsInfo.of(os, kernel), workload, requirements, slot), Actors.current());
        print(r);
        return null;
    }

    static void print(AllocationResult r) {
        Allocation a = r.allocation();
        System.out.println("Allocation     " + a.id() + (r.changed() ? "" : " (unchanged)"));
        System.out.println("VM             " + a.vmId());
        System.out.println("State          " + a.state());
        System.out.println("Personality    " + a.personalityId() + (r.derived() ? " (derived)" : ""));
        System.out.println("Device         " + a.deviceId() + " (" + r.vendor() + "), region " + a.regionId());
        System.out.println("Driver         "
                + r.driver()
                        .map(d -> d.id() + " sha256:" + d.archiveSha256().hex())
                        .orElse("-"));
        System.out.println("Reconfigured   "
                + (r.reconfiguration().performed()
                        ? String.format("yes, in %.1f ms", r.reconfiguration().durationMs())
                        : "no (the region already held the image)"));
        System.out.println(String.format(
                "Match          %s, score %.3f",
                r.match().exact() ? "exact" : "adjusted", r.match().score()));
        r.match().reasons().forEach(reason -> System.out.println("               " + reason));
    }
}
