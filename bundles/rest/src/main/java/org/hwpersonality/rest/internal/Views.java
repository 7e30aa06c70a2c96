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
}
