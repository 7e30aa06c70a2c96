package org.hwpersonality.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The agent's life: request a personality, load its driver, then every interval sample the metrics, decide
 * ({@link Decider}), and when performance stays low ask for re-personalization and swap drivers. It stops when
 * {@link #stop()} is called (SIGTERM), releasing the allocation if asked to.
 */
final class Agent {
    /** Exit codes. */
    static final int OK = 0;

    static final int REFUSED = 3;

    private final ApiClient api;
    private final ProgrammingWait programming;
    private final DriverInstaller installer;
    private final MetricsCommand metrics;
    private final Decider decider;
    private final Clock clock;
    private final String vmId;
    private final Map<String, Object> request;
    private final Duration interval;
    private final Duration reportEvery;
    private final boolean once;
    private final boolean releaseOnExit;

    private volatile boolean stopped;
    private volatile Thread runner;
    private DriverInstaller.Installed current;
    private JsonNode pending; // an allocation whose driver is not loaded yet
    private OptionalDouble expectedThroughput = OptionalDouble.empty();
    private OptionalDouble expectedLatency = OptionalDouble.empty();
    private String releasedElsewhere; // the allocation last reported released with no successor, to say it once
    private Map<String, String> place = Map.of(); // where the VM runs, for the metrics command's environment
    private java.time.Instant nextReport = java.time.Instant.MIN;

    Agent(
            ApiClient api,
            ProgrammingWait programming,
            DriverInstaller installer,
            MetricsCommand metrics,
            Decider decider,
            Clock clock,
            String vmId,
            Map<String, Object> request,
            Duration interval,
            Duration reportEvery,
            boolean once,
            boolean releaseOnExit) {
        this.api = api;
        this.programming = programming;
        this.installer = installer;
        this.metrics = metrics;
        this.decider = decider;
        this.clock = clock;
        this.vmId = vmId;
        this.request = request;
        this.interval = interval;
        this.reportEvery = reportEvery;
        this.once = once;
        this.releaseOnExit = releaseOnExit;
    }

    int run() {
        runner = Thread.currentThread();
        try {
            JsonNode first = acquire();
            if (first == null) {
                return stopped ? OK : REFUSED;
            }
            adopt(first, "first personality");
            do {
                if (!once) {
                    pause(interval);
                }
                if (!stopped) {
                    cycle();
                }
            } while (!once && !stopped);
            return OK;
        } finally {
            finish();
        }
    }

    /** Asks the agent to stop (from the SIGTERM hook); the loop ends at once. */
    void stop() {
        stopped = true;
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
    }

    /**
     * The Personality Request, tried again with backoff while the server is unreachable or busy or the programming it
     * accepted failed; null when it was refused or programming outlasted {@code --programming-wait}.
     */
    private JsonNode acquire() {
        int failures = 0;
        while (!stopped) {
            try {
                JsonNode answer = programming.settle(api.requestPersonality(request));
                Log.info(
                        "decision=REQUESTED allocation=%s personality=%s device=%s/%s derived=%s reconfigured=%s",
                        answer.path("allocationId").asText(),
                        answer.path("personalityId").asText(),
                        answer.path("device").path("id").asText(),
                        answer.path("device").path("region").asText(),
                        answer.path("derived").asBoolean(),
                        answer.path("reconfiguration").path("performed").asBoolean());
                return answer;
            } catch (ApiException refused) {
                ApiException e = refused;
                if (e.status == 409) {
                    try {
                        JsonNode held = held();
                        if (held != null) {
                            return held;
                        }
                    } catch (ApiException programmingFailed) {
                        e = programmingFailed;
                    }
                }
                if (e.code.equals(ProgrammingWait.TIMED_OUT)) {
                    return null; // the wait logged why
                }
                if (!e.transientFailure()) {
                    Log.error("decision=GIVE_UP the personality request was refused: %s", e);
                    return null;
                }
                Duration wait = e.retryAfter.orElse(decider.backoff(++failures));
                Log.warn("decision=RETRY personality request failed (%s); next try in %d ms", e, wait.toMillis());
                pause(wait);
            }
        }
        return null;
    }

    /**
     * The allocation the VM holds already (the agent was restarted), shaped like a request's answer: the ACTIVE one,
     * else one still RESERVED or PROGRAMMING, followed until it is ACTIVE like a 202 answer (its failure or the end of
     * {@code --programming-wait} is thrown); null if there is none.
     */
    private JsonNode held() throws ApiException {
        JsonNode mine;
        try {
            mine = api.get("allocations?limit=20");
        } catch (ApiException e) {
            Log.warn("cannot read the VM's allocations: %s", e);
            return null;
        }
        JsonNode inProgress = null;
        for (JsonNode a : mine) {
            String status = a.path("status").asText();
            if (status.equals("ACTIVE")) {
                ObjectNode answer = a.deepCopy();
                String packageId = a.path("driverPackageId").asText("");
                if (!packageId.isEmpty()) {
                    try {
                        answer.set("driver", api.driverReference(packageId));
                    } catch (ApiException e) {
                        Log.warn("cannot read the VM's driver package %s: %s", packageId, e);
                        return null;
                    }
                }
                Log.info(
                        "decision=ADOPTED the VM holds allocation %s already",
                        a.path("allocationId").asText());
                return withExpectedFigures(answer);
            }
            if (inProgress == null
                    && (status.equals("RESERVED") || status.equals("PROGRAMMING") || status.equals("ATTACHING"))) {
                inProgress = a;
            }
        }
        if (inProgress == null) {
            return null;
        }
        Log.info(
                "decision=ADOPTED the VM holds allocation %s already, still %s",
                inProgress.path("allocationId").asText(),
                inProgress.path("status").asText());
        return withExpectedFigures(programming
                .settle(new ApiClient.Answer(202, inProgress, Optional.empty()))
                .deepCopy());
    }

    /** An allocation read back has no match: the request's throughput floor stands for the promised figures. */
    private static ObjectNode withExpectedFigures(ObjectNode answer) {
        JsonNode min = answer.path("request").path("requirements").path("minThroughputGops");
        if (answer.path("match").path("expected").isMissingNode() && min.isNumber()) {
            answer.putObject("match").putObject("expected").put("throughputGops", min.asDouble());
        }
        return answer;
    }

    /** Takes an allocation answer as current: install and load its driver, unload the old one. */
    private void adopt(JsonNode answer, String why) {
        String personalityId = answer.path("personalityId").asText();
        place = place(answer);
        JsonNode expected = answer.path("match").path("expected");
        if (!expected.isMissingNode()) { // a move by the service keeps the figures: the same request, matched again
            expectedThroughput = figure(expected, "throughputGops");
            expectedLatency = figure(expected, "latencyUs");
        }
        JsonNode driver = answer.path("driver");
        if (driver.isMissingNode()) {
            Log.warn(
                    "allocation %s names no driver package: nothing to load",
                    answer.path("allocationId").asText());
            pending = null;
            return;
        }
        try {
            DriverInstaller.Installed next = installer.install(
                    driver, personalityId, answer.path("allocationId").asText());
            DriverInstaller.Installed old = current;
            if (old != null && !old.directory().equals(next.directory())) {
                installer.unload(old);
                Log.info("decision=UNLOADED driver %s of %s", old.packageId(), old.personalityId());
            }
            installer.load(next);
            current = next;
            pending = null;
            Log.info(
                    "decision=LOADED %s: driver %s for personality %s (allocation %s)",
                    why, next.packageId(), personalityId, next.allocationId());
        } catch (DriverInstaller.InstallException e) {
            pending = answer;
            Log.error("decision=DRIVER_FAILED %s; will try again next interval", e.getMessage());
        } catch (ApiException e) {
            pending = answer;
            Log.error("decision=DRIVER_FAILED download: %s; will try again next interval", e);
        }
    }

    private void cycle() {
        if (pending != null) {
            adopt(pending, "retried driver");
            return;
        }
        if (!once && followMove()) { // a single cycle (--once) has no later one to follow a move in
            return;
        }
        Sample sample;
        try {
            sample = metrics.sample(place);
        } catch (IOException e) {
            Log.warn("decision=NO_SAMPLE %s", e.getMessage());
            return;
        }
        OptionalDouble ratio = sample.ratioTo(expectedThroughput, expectedLatency);
        Decider.Decision d = decider.onSample(clock.instant(), ratio);
        Log.info(
                "sample %s ratio=%s threshold=%s low=%d/%d decision=%s",
                sample,
                ratio.isPresent() ? String.format("%.3f", ratio.getAsDouble()) : "n/a",
                decider.threshold(),
                decider.lowInARow(),
                decider.samplesToTrigger(),
                d);
        if (d == Decider.Decision.REPERSONALIZE) {
            repersonalize(sample); // a report too
        } else if (!reportEvery.isZero() && !clock.instant().isBefore(nextReport)) {
            report(sample);
        }
    }

    /**
     * Sends a periodic report, from which the service learns what the personality delivers; a failure is logged and
     * waits for the next report.
     */
    private void report(Sample sample) {
        nextReport = clock.instant().plus(reportEvery);
        try {
            JsonNode stored = api.report(vmId, body(sample));
            Log.info(
                    "decision=REPORTED on %s: %s",
                    stored.path("personalityId").asText(),
                    stored.path("underDelivered").asBoolean() ? "short of its promise" : "as promised");
        } catch (ApiException e) {
            Log.warn("report not stored (%s); next in %d ms", e, reportEvery.toMillis());
        }
    }

    /** A report's or a re-personalization's body: the metrics, this agent's threshold and slot. */
    private Map<String, Object> body(Sample sample) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("metrics", sample.toJson());
        body.put("threshold", decider.threshold()); // the service compares with the promise at this ratio too
        if (request.containsKey("slot")) {
            body.put("slot", request.get("slot")); // this agent's accelerator, when the VM has several
        }
        return body;
    }

    /** Where an allocation answer (a request's, or an allocation read back) puts the VM. */
    private Map<String, String> place(JsonNode answer) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HWP_VM_ID", vmId);
        env.put("HWP_ALLOCATION_ID", answer.path("allocationId").asText());
        env.put("HWP_PERSONALITY_ID", answer.path("personalityId").asText());
        env.put(
                "HWP_DEVICE_ID",
                answer.path("deviceId").asText(answer.path("device").path("id").asText()));
        env.put(
                "HWP_REGION_ID",
                answer.path("regionId")
                        .asText(answer.path("device").path("region").asText()));
        return Map.copyOf(env);
    }

    /**
     * Whether the service moved this VM (an operator evicted its device): its allocation is RELEASED and a newer
     * ACTIVE one names it as the one it replaced. That one's driver is then loaded, as after a re-personalization.
     */
    private boolean followMove() {
        if (current == null) {
            return false;
        }
        try {
            JsonNode mine = api.get("allocations/" + current.allocationId());
            if (!"RELEASED".equals(mine.path("status").asText())) {
                return false;
            }
            for (JsonNode a : api.get("allocations?vmId=" + vmId)) {
                if (current.allocationId().equals(a.path("previousAllocationId").asText())
                        && "ACTIVE".equals(a.path("status").asText())) {
                    ObjectNode answer = a.deepCopy();
                    answer.set(
                            "driver",
                            api.driverReference(a.path("driverPackageId").asText()));
                    Log.info(
                            "decision=FOLLOWED the service moved this VM: allocation %s -> %s (%s on %s)",
                            current.allocationId(),
                            a.path("allocationId").asText(),
                            a.path("personalityId").asText(),
                            a.path("deviceId").asText());
                    adopt(answer, "moved by the service");
                    return true;
                }
            }
            if (!current.allocationId().equals(releasedElsewhere)) {
                releasedElsewhere = current.allocationId();
                Log.warn(
                        "decision=RELEASED_ELSEWHERE allocation %s was released by the service and nothing replaces"
                                + " it yet",
                        current.allocationId());
            }
        } catch (ApiException e) {
            Log.warn("decision=NO_STATUS could not read allocation %s: %s", current.allocationId(), e);
        }
        return false;
    }

    private void repersonalize(Sample sample) {
        nextReport = clock.instant().plus(reportEvery);
        try {
            JsonNode answer = programming.settle(api.repersonalize(vmId, body(sample)));
            decider.onAnswered(clock.instant());
            if (!answer.path("changed").asBoolean(true)) {
                Log.info(
                        "decision=UNCHANGED the service keeps %s: %s",
                        answer.path("personalityId").asText(),
                        answer.path("match").path("reasons"));
                return;
            }
            Log.info(
                    "decision=REPERSONALIZED %s -> %s (allocation %s -> %s)",
                    current == null ? "none" : current.personalityId(),
                    answer.path("personalityId").asText(),
                    current == null ? "none" : current.allocationId(),
                    answer.path("allocationId").asText());
            adopt(answer, "re-personalized");
        } catch (ApiException e) {
            if (e.code.equals(ProgrammingWait.TIMED_OUT)) {
                Duration wait = decider.onFailure(clock.instant());
                Log.warn(
                        "decision=BACKOFF keeping %s; no new re-personalization for %d ms",
                        current == null ? "no driver" : "driver " + current.packageId(), wait.toMillis());
            } else if (e.transientFailure()) {
                Duration wait = decider.onFailure(clock.instant());
                if (e.retryAfter.isPresent() && e.retryAfter.get().compareTo(wait) > 0) {
                    wait = e.retryAfter.get();
                }
                Log.warn("decision=BACKOFF re-personalization failed (%s); no new try for %d ms", e, wait.toMillis());
            } else {
                decider.onAnswered(clock.instant());
                Log.warn("decision=REFUSED re-personalization refused (%s); cooling down", e);
            }
        }
    }

    private void finish() {
        Thread.interrupted(); // a stop() during a call must not fail the calls below
        if (releaseOnExit && current != null) {
            try {
                installer.unload(current);
                Log.info("decision=UNLOADED driver %s on exit", current.packageId());
            } catch (DriverInstaller.InstallException e) {
                Log.warn("unload on exit failed: %s", e.getMessage());
            }
            try {
                api.release(current.allocationId());
                Log.info("decision=RELEASED allocation %s on exit", current.allocationId());
            } catch (ApiException e) {
                Log.warn("release of %s on exit failed: %s", current.allocationId(), e);
            }
        }
        Log.info("stopped");
    }

    private void pause(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            // stop() interrupts; the loop checks `stopped`
        }
    }

    private static OptionalDouble figure(JsonNode node, String name) {
        JsonNode v = node.path(name);
        return v.isNumber() ? OptionalDouble.of(v.asDouble()) : OptionalDouble.empty();
    }
}
