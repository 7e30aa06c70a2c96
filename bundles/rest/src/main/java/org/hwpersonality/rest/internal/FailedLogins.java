package org.hwpersonality.rest.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed logins per source address, and how long each source must wait before it may try again.
 *
 * <p>A source may fail {@code freeFailures} times without waiting. Each further failure makes it wait: {@code
 * firstWaitSeconds}, then twice as long with every failure, at most {@code maxWaitSeconds}. While it waits, any
 * request of it that carries credentials is answered 429 with {@code Retry-After} and is not checked (so it neither
 * costs a password hash nor counts). A source is forgotten {@code forgetSeconds} after its last failure. A success
 * changes nothing: not this source's count (else one valid credential would let a client guess another without end),
 * not another source's.
 *
 * <p>At most {@code maxSources} sources are kept: the one whose failure is oldest goes first. Thread-safe; every
 * method takes the time ({@link System#nanoTime()}) from its caller.
 */
final class FailedLogins {
    /** The limits; see the class comment. */
    record Limits(int freeFailures, long firstWaitSeconds, long maxWaitSeconds, long forgetSeconds, int maxSources) {
        Limits {
            if (freeFailures < 0
                    || firstWaitSeconds < 1
                    || maxWaitSeconds < firstWaitSeconds
                    || forgetSeconds < 1
                    || maxSources < 1) {
                throw new IllegalArgumentException("freeFailures >= 0, 1 <= firstWaitSeconds <= maxWaitSeconds,"
                        + " forgetSeconds >= 1 and maxSources >= 1 are required");
            }
        }
    }

    private static final long NANOS = 1_000_000_000L;

    private record Source(int failures, long lastFailure, long waitUntil) {}

    private final Limits limits;
    /** In the order of each source's last failure (re-inserted on each), so the first is the one to evict. */
    private final Map<String, Source> sources = new LinkedHashMap<>();

    FailedLogins(Limits limits) {
        this.limits = limits;
    }

    Limits limits() {
        return limits;
    }

    /** Seconds {@code source} must still wait before its credentials are checked again; 0 if it need not. */
    synchronized long retryAfterSeconds(String source, long now) {
        Source s = current(source, now);
        if (s == null || now - s.waitUntil() >= 0) {
            return 0;
        }
        return Math.max(1, (s.waitUntil() - now + NANOS - 1) / NANOS);
    }

    /** Records a failed login of {@code source}; returns the seconds it must now wait (0 while its failures are free). */
    synchronized long failed(String source, long now) {
        Source previous = current(source, now);
        int failures = previous == null ? 1 : previous.failures() + 1;
        long wait = waitAfter(failures);
        long waitUntil = now + wait * NANOS;
        if (previous != null && previous.waitUntil() - waitUntil > 0) {
            waitUntil = previous.waitUntil();
        }
        sources.remove(source);
        sources.put(source, new Source(failures, now, waitUntil));
        while (sources.size() > limits.maxSources()) {
            var eldest = sources.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return wait;
    }

    /** The failures counted for {@code source} (0 once forgotten). */
    synchronized int failures(String source, long now) {
        Source s = current(source, now);
        return s == null ? 0 : s.failures();
    }

    synchronized int size() {
        return sources.size();
    }

    /** The wait after the {@code failures}-th failure: 0, or firstWait doubled per failure past the free ones. */
    long waitAfter(int failures) {
        int over = failures - limits.freeFailures();
        if (over <= 0) {
            return 0;
        }
        long wait = limits.firstWaitSeconds();
        for (int i = 1; i < over && wait < limits.maxWaitSeconds(); i++) {
            wait *= 2;
        }
        return Math.min(wait, limits.maxWaitSeconds());
    }

    private Source current(String source, long now) {
        Source s = sources.get(source);
        if (s != null && now - s.lastFailure() >= limits.forgetSeconds() * NANOS && now - s.waitUntil() >= 0) {
            sources.remove(source);
            return null;
        }
        return s;
    }
}
