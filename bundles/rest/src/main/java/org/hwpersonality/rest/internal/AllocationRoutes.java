package org.hwpersonality.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationResult;
import org.hwpersonality.api.request.Metrics;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.RepersonalizationRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.vm.VirtualMachine;

/**
 * Personality Requests, re-personalization and allocations. A VM acts for itself only: its own requests, its own
 * allocations; an administrator may act for any VM.
 */
final class AllocationRoutes {
    /** Most allocations one list returns. */
    static final int MAX_LIST = 1000;

    private final ManagementService management;

    AllocationRoutes(ManagementService management) {
        this.management = management;
    }

    List<Route> routes() {
        return List.of(
                Route.of("POST", "/personality-requests", Access.ADMIN_OR_VM, "request a personality", this::request)
                        .body(Route.JSON),
                Route.of(
                                "POST",
                                "/vms/{vmId}/repersonalization",
                                Access.ADMIN_OR_VM,
                                "re-personalize from reported metrics",
                                this::repersonalize)
                        .body(Route.JSON),
                Route.of(
                                "POST",
                                "/vms/{vmId}/reports",
                                Access.ADMIN_OR_VM,
                                "report measured figures (stored, learned from; nothing moves)",
                                this::report)
                        .body(Route.JSON),
                Route.of("GET", "/allocations", Access.ADMIN_OR_VM, "allocations, newest first", this::list)
                        .query("vmId", "limit"),
                Route.of("GET", "/allocations/{allocationId}", Access.ADMIN_OR_VM, "one allocation", this::one),
                Route.of("DELETE", "/allocations/{allocationId}", Access.ADMIN_OR_VM, "release", this::release));
    }

    private void request(Exchange x) throws IOException {
        ObjectNode body = x.jsonObject();
        Fields.only(body, Set.of("vmId", "os", "workload", "requirements"));
        if (!body.hasNonNull("vmId") && x.caller.vm().isPresent()) {
            body.put("vmId", x.caller.vm().get().id());
        }
        String vmId = Fields.text(body, "vmId");
        x.caller.requireActingFor(vmId, "request a personality for a VM");
        if (!body.hasNonNull("os")) {
            // The OS the VM was registered with (a VM calling for itself was just read by its authentication).
            Optional<VirtualMachine> self = x.caller.vm().filter(v -> v.id().equals(vmId));
            VirtualMachine vm = self.isPresent() ? self.get() : HwpApi.present(management.vm(vmId), "VM", vmId);
            body.set("os", x.convertBack(vm.os()));
        }
        Fields.text(body, "workload");
        PersonalityRequest request = x.convert(body, PersonalityRequest.class);
        AllocationResult result = management.request(request, x.caller.actor());
        if (!pending(x, result)) {
            x.created(HwpApi.BASE + "/allocations/" + result.allocation().id(), Views.result(result));
        }
    }

    /**
     * Another node still programs the region after the configured wait: 202 with the allocation PROGRAMMING and its
     * Location to poll (it turns ACTIVE, or FAILED). True if that was the answer.
     */
    private static boolean pending(Exchange x, AllocationResult result) throws IOException {
        if (result.allocation().state() != org.hwpersonality.api.allocation.AllocationState.PROGRAMMING) {
            return false;
        }
        x.accepted(HwpApi.BASE + "/allocations/" + result.allocation().id(), Views.result(result));
        return true;
    }

    private void repersonalize(Exchange x) throws IOException {
        String vmId = x.path("vmId");
        x.caller.requireActingFor(vmId, "re-personalize a VM");
        ObjectNode body = x.jsonObject();
        Fields.only(body, Set.of("metrics", "workload", "requirements", "slot", "threshold"));
        Metrics metrics = metrics(x, body);
        Optional<String> workload =
                body.hasNonNull("workload") ? Optional.of(Fields.text(body, "workload")) : Optional.empty();
        Optional<Requirements> requirements = Optional.empty();
        if (body.hasNonNull("requirements")) {
            try {
                requirements = Optional.of(x.convert(body.get("requirements"), Requirements.class));
            } catch (ValidationException e) {
                throw e.within("requirements");
            }
        }
        Optional<String> slot = Optional.ofNullable(Fields.optionalText(body, "slot"));
        AllocationResult result = management.repersonalize(
                new RepersonalizationRequest(vmId, metrics, workload, requirements, slot, threshold(body)),
                x.caller.actor());
        if (!pending(x, result)) {
            x.send(result.changed() ? 201 : 200, Views.result(result));
        }
    }

    /** A VM's periodic report: stored with its verdict at the threshold, learned from; the allocation stays. */
    private void report(Exchange x) throws IOException {
        String vmId = x.path("vmId");
        x.caller.requireActingFor(vmId, "report for a VM");
        ObjectNode body = x.jsonObject();
        Fields.only(body, Set.of("metrics", "slot", "threshold"));
        Metrics metrics = metrics(x, body);
        Optional<String> slot = Optional.ofNullable(Fields.optionalText(body, "slot"));
        Optional<Double> threshold = threshold(body);
        if (threshold.isPresent()) {
            // The same range a re-personalization takes, checked in one place.
            new RepersonalizationRequest(vmId, metrics, Optional.empty(), Optional.empty(), slot, threshold);
        }
        x.ok(Views.outcome(management.report(vmId, metrics, slot, threshold, x.caller.actor())));
    }

    /** The agent's threshold: a number, if given (its range is the request's to check). */
    private static Optional<Double> threshold(ObjectNode body) {
        JsonNode t = body.get("threshold");
        if (t == null || t.isNull()) {
            return Optional.empty();
        }
        if (!t.isNumber()) {
            throw new ValidationException("threshold", "must be a number, e.g. 0.8");
        }
        return Optional.of(t.doubleValue());
    }

    /** The {@code metrics} object of a body, stamped now if it carries no {@code observedAt}. */
    private static Metrics metrics(Exchange x, ObjectNode body) {
        JsonNode metricsNode = body.get("metrics");
        if (metricsNode == null || metricsNode.isNull()) {
            throw HwpApi.required("metrics");
        }
        if (!metricsNode.isObject()) {
            throw new ValidationException("metrics", "must be a JSON object");
        }
        if (!metricsNode.has("observedAt")) {
            ((ObjectNode) metricsNode).put("observedAt", Instant.now().toString());
        }
        if (!metricsNode.has("other")) {
            ((ObjectNode) metricsNode).putObject("other");
        }
        try {
            return x.convert(metricsNode, Metrics.class);
        } catch (ValidationException e) {
            throw e.within("metrics");
        }
    }

    private void list(Exchange x) throws IOException {
        Optional<String> vmId = x.queryId("vmId", "a VM ID");
        if (x.caller.vm().isPresent()) {
            String own = x.caller.vm().get().id();
            if (vmId.isPresent() && !vmId.get().equals(own)) {
                throw Exchange.forbidden("a VM may only list allocations of its own");
            }
            vmId = Optional.of(own);
        }
        int limit = x.queryInt("limit", 100, 1, MAX_LIST);
        x.ok(management.allocations(vmId.orElse(null), limit).stream()
                .map(Views::allocation)
                .toList());
    }

    private Allocation owned(Exchange x) {
        String id = x.path("allocationId");
        Allocation a = HwpApi.present(management.allocation(id), "allocation", id);
        x.caller.requireActingFor(a.vmId(), "read or release allocations");
        return a;
    }

    private void one(Exchange x) throws IOException {
        x.ok(Views.allocation(owned(x)));
    }

    private void release(Exchange x) throws IOException {
        x.ok(Views.allocation(management.release(owned(x), x.caller.actor())));
    }
}
