package org.hwpersonality.rest.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationResult;
import org.hwpersonality.api.allocation.MatchCandidate;
import org.hwpersonality.api.artifact.DriverPackage;

/** The JSON shapes of answers that are not a domain object as it is (the contract's allocation answer). */
final class Views {
    private Views() {}

    /** The answer to a (re-)personalization, as the contract gives it. */
    static Map<String, Object> result(AllocationResult r) {
        Allocation a = r.allocation();
        Map<String, Object> out = allocation(a);
        out.put("derived", r.derived());
        out.put("changed", r.changed());
        out.put("device", Map.of("id", a.deviceId(), "vendor", r.vendor(), "region", a.regionId()));
        r.driver().ifPresent(d -> out.put("driver", driver(d)));
        Map<String, Object> reconfiguration = new LinkedHashMap<>();
        reconfiguration.put("performed", r.reconfiguration().performed());
        reconfiguration.put("durationMs", r.reconfiguration().durationMs());
        r.reconfiguration().clearingMs().ifPresent(ms -> reconfiguration.put("clearingMs", ms));
        out.put("reconfiguration", reconfiguration);
        MatchCandidate m = r.match();
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("exact", m.exact());
        match.put("score", m.score());
        match.put("reusedLoadedImage", m.reusesLoadedImage());
        match.put("expected", figures(m.expected()));
        m.adjustment().ifPresent(l -> match.put("adjustment", l));
        match.put("reasons", m.reasons());
        out.put("match", match);
        return out;
    }

    /** An allocation: IDs, state, where, the driver, the request it serves, the one it replaced. */
    static Map<String, Object> allocation(Allocation a) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("allocationId", a.id());
        out.put("vmId", a.vmId());
        out.put("slot", a.request().slot());
        out.put("status", a.state().name());
        out.put("personalityId", a.personalityId());
        out.put("deviceId", a.deviceId());
        out.put("regionId", a.regionId());
        a.driverPackageId().ifPresent(p -> out.put("driverPackageId", p));
        a.previousAllocationId().ifPresent(p -> out.put("previousAllocationId", p));
        out.put("request", a.request());
        out.put("createdAt", a.createdAt().toString());
        out.put("updatedAt", a.updatedAt().toString());
        return out;
    }

    /** A node: ID, roles as configured ({@code api}, {@code host}), its lease and whether it still holds. */
    static Map<String, Object> node(org.hwpersonality.api.node.Node n, java.time.Instant now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", n.id());
        out.put(
                "roles",
                n.roles().stream()
                        .sorted()
                        .map(org.hwpersonality.api.node.NodeRole::label)
                        .toList());
        out.put("hostName", n.hostName());
        out.put("live", n.live(now));
        out.put("startedAt", n.startedAt().toString());
        out.put("heartbeatAt", n.heartbeatAt().toString());
        out.put("leaseUntil", n.leaseUntil().toString());
        out.put("devices", n.devices());
        return out;
    }

    /** How a VM fetches and checks its driver. */
    static Map<String, Object> driver(DriverPackage d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("packageId", d.id());
        out.put("name", d.name());
        out.put("version", d.version());
        out.put("sha256", d.archiveSha256().hex());
        out.put("sizeBytes", d.sizeBytes());
        out.put("signature", d.signature());
        out.put("url", HwpApi.BASE + "/drivers/" + d.id() + "/content");
        out.put("loadInstructions", d.loadInstructions());
        return out;
    }

    static Map<String, Object> figures(PerformanceFigures f) {
        return Map.of("throughputGops", f.throughputGops(), "latencyUs", f.latencyUs(), "powerWatts", f.powerWatts());
    }

    /** A stored report: whose, on what, the figures it had, and whether it fell short of the promise. */
    static Map<String, Object> outcome(org.hwpersonality.api.outcome.Outcome o) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("vmId", o.vmId());
        out.put("allocationId", o.allocationId());
        out.put("personalityId", o.personalityId());
        out.put("deviceId", o.deviceId());
        out.put("family", o.family());
        out.put("workload", o.workload());
        o.throughputGops().ifPresent(v -> out.put("throughputGops", v));
        o.latencyUs().ifPresent(v -> out.put("latencyUs", v));
        o.powerWatts().ifPresent(v -> out.put("powerWatts", v));
        out.put("underDelivered", o.underDelivered());
        out.put("observedAt", o.observedAt().toString());
        return out;
    }

    /**
     * What the fleet learned of a personality on one family for one workload; {@code ranked}: whether the matcher
     * ranks by it (enough samples).
     */
    static Map<String, Object> learned(org.hwpersonality.api.outcome.LearnedFigures l, int minSamples) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("family", l.family());
        out.put("workload", l.workload());
        out.put("samples", l.samples());
        out.put("vms", l.vms());
        out.put("ranked", l.samples() >= minSamples);
        l.throughputMedian().ifPresent(v -> out.put("throughputMedianGops", v));
        l.throughputLow().ifPresent(v -> out.put("throughputP10Gops", v));
        l.latencyMedian().ifPresent(v -> out.put("latencyMedianUs", v));
        l.latencyHigh().ifPresent(v -> out.put("latencyP90Us", v));
        l.powerMedian().ifPresent(v -> out.put("powerMedianWatts", v));
        l.powerHigh().ifPresent(v -> out.put("powerP90Watts", v));
        out.put("updatedAt", l.updatedAt().toString());
        l.flaggedAt().ifPresent(t -> out.put("flaggedAt", t.toString()));
        return out;
    }
}
