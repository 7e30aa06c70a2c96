package org.hwpersonality.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rest of a request the server accepted with {@code 202 Accepted}: the allocation is reserved but its region is
 * still being programmed. It polls the answer's {@code Location} (the allocation), at first every
 * {@code firstPoll}, then half as long again each time up to {@code longestPoll}, until the allocation is ACTIVE —
 * the answer then goes on exactly like a {@code 201} — or FAILED or RELEASED — a failed request, which the caller
 * backs off from — or until {@code bound} ({@code --programming-wait}) has passed, when the agent gives up. Every
 * outcome that matters is one {@code decision=} line.
 */
final class ProgrammingWait {
    /** The first pause between polls. */
    static final Duration FIRST_POLL = Duration.ofMillis(200);
    /** The longest pause between polls. */
    static final Duration LONGEST_POLL = Duration.ofSeconds(5);

    /** The code of the exception thrown when programming outlasts the bound. */
    static final String TIMED_OUT = "PROGRAMMING_TIMEOUT";
    /** The code of the exception thrown when the allocation ends without becoming ACTIVE. */
    static final String FAILED = "PROGRAMMING_FAILED";

    /** While a poll's last line is this old, the next poll with the same status logs again. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(30);

    private static final Set<String> ENDED = Set.of("FAILED", "RELEASED", "RELEASING");

    private final ApiClient api;
    private final Duration bound;
    private final Duration firstPoll;
    private final Duration longestPoll;

    ProgrammingWait(ApiClient api, Duration bound, Duration firstPoll, Duration longestPoll) {
        if (bound.isNegative() || bound.isZero()) {
            throw new IllegalArgumentException("--programming-wait must be positive (was " + bound + ")");
        }
        this.api = api;
        this.bound = bound;
        this.firstPoll = firstPoll;
        this.longestPoll = longestPoll;
    }

    /** The answer as it is once the allocation is ACTIVE: {@code answer}'s body itself unless it is a 202. */
    JsonNode settle(ApiClient.Answer answer) throws ApiException {
        if (answer.status() != 202) {
            return answer.body();
        }
        JsonNode accepted = answer.body();
        String id = accepted.path("allocationId").asText("");
        String path = location(answer, id);
        Log.info(
                "decision=ACCEPTED allocation=%s status=%s: programming goes on, polling %s for up to %s",
                id, accepted.path("status").asText("?"), path, bound);
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        Duration pause = firstPoll;
        String lastStatus = accepted.path("status").asText("");
        long lastLine = start;
        boolean polled = false;
        while (true) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                Log.error(
                        "decision=GIVE_UP allocation=%s status=%s waited=%dms: programming outlasted"
                                + " --programming-wait %s",
                        id, lastStatus, millis(now - start), bound);
                throw new ApiException(
                        202,
                        TIMED_OUT,
                        "allocation " + id + " still " + lastStatus + " after --programming-wait " + bound,
                        false);
            }
            sleep(Duration.ofNanos(Math.min(pause.toNanos(), deadline - now)));
            if (System.nanoTime() - deadline >= 0) {
                continue; // the bound passed while sleeping: give up without another poll
            }
            pause = Duration.ofNanos(Math.min(longestPoll.toNanos(), pause.toNanos() * 3 / 2));
            JsonNode allocation;
            try {
                allocation = api.get(path);
            } catch (ApiException e) {
                if (e.transientFailure()) {
                    Log.warn(
                            "decision=WAITING allocation=%s status=UNKNOWN waited=%dms: poll failed (%s)",
                            id, millis(System.nanoTime() - start), e);
                    continue;
                }
                Log.error("decision=PROGRAMMING_FAILED allocation=%s: cannot read it (%s)", id, e);
                throw new ApiException(202, FAILED, "allocation " + id + " cannot be read: " + e, true);
            }
            String status = allocation.path("status").asText("");
            long waited = millis(System.nanoTime() - start);
            if (status.equals("ACTIVE")) {
                Log.info("decision=PROGRAMMED allocation=%s status=ACTIVE waited=%dms", id, waited);
                return active(accepted, allocation);
            }
            if (ENDED.contains(status)) {
                Log.error("decision=PROGRAMMING_FAILED allocation=%s status=%s waited=%dms", id, status, waited);
                throw new ApiException(
                        202, FAILED, "allocation " + id + " became " + status + " instead of ACTIVE", true);
            }
            if (!polled || !status.equals(lastStatus) || System.nanoTime() - lastLine >= HEARTBEAT.toNanos()) {
                Log.info(
                        "decision=WAITING allocation=%s status=%s waited=%dms next poll in %dms",
                        id, status, waited, pause.toMillis());
                lastLine = System.nanoTime();
            }
            polled = true;
            lastStatus = status;
        }
    }

    /** Where to poll: the Location if it lies under the API, else the allocation's own path. */
    private String location(ApiClient.Answer answer, String id) throws ApiException {
        Optional<String> within = answer.location().flatMap(api::withinApi);
        if (within.isPresent()) {
            return within.get();
        }
        if (id.isEmpty()) {
            throw new ApiException(
                    202, "BAD_ANSWER", "a 202 answer with neither a Location nor an allocationId", false);
        }
        answer.location()
                .ifPresent(
                        l -> Log.warn("the Location %s lies outside the API; polling allocations/%s instead", l, id));
        return "allocations/" + id;
    }

    /**
     * The 202 answer brought up to date by the ACTIVE allocation: the allocation's fields win; the driver reference is
     * read again if the allocation names another package than the answer did (or the answer named none).
     */
    private ObjectNode active(JsonNode accepted, JsonNode allocation) throws ApiException {
        ObjectNode answer = accepted.isObject() ? accepted.deepCopy() : JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = allocation.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            answer.set(field.getKey(), field.getValue());
        }
        String packageId = allocation.path("driverPackageId").asText("");
        if (!packageId.isEmpty()
                && !packageId.equals(answer.path("driver").path("packageId").asText())) {
            answer.set("driver", api.driverReference(packageId));
        }
        return answer;
    }

    private static void sleep(Duration d) throws ApiException {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "INTERRUPTED", "interrupted while waiting for programming", Optional.empty());
        }
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
