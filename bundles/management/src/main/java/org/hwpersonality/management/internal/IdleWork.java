package org.hwpersonality.management.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Background programmings of idle regions (bring-up characterization, pre-programming): one at a time on this node,
 * and they yield to requests. A request that finds no free region calls {@link #yieldToRequest}: nothing new starts
 * for the quiet time, and the request waits for the one under way (never more than one programming). A request
 * that reserves a region first simply wins it: the background job's own reservation then fails.
 */
final class IdleWork {
    private static final Logger LOG = Logger.getLogger(IdleWork.class.getName());

    private final Duration quiet;
    private final Object lock = new Object();
    private String underWay; // what runs, guarded by lock
    private Instant quietUntil = Instant.MIN; // guarded by lock

    IdleWork(Duration quiet) {
        this.quiet = quiet;
    }

    /** Runs {@code job} (described as {@code what}) unless a request asked for quiet or another job runs; true if run. */
    boolean run(String what, Runnable job) {
        synchronized (lock) {
            if (underWay != null || Instant.now().isBefore(quietUntil)) {
                return false;
            }
            underWay = what;
        }
        try {
            job.run();
            return true;
        } finally {
            synchronized (lock) {
                underWay = null;
                lock.notifyAll();
            }
        }
    }

    /**
     * A request found no free region: no job starts for the quiet time, and this waits for the one under way, at most
     * {@code longest}. True if one was under way and ended (the caller matches again: its region is free).
     */
    boolean yieldToRequest(Duration longest) {
        long deadline = System.nanoTime() + longest.toNanos();
        synchronized (lock) {
            quietUntil = Instant.now().plus(quiet);
            if (underWay == null) {
                return false;
            }
            LOG.info("A request waits for the background programming under way (" + underWay + ")");
            while (underWay != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** What runs now, if anything. */
    Optional<String> underWay() {
        synchronized (lock) {
            return Optional.ofNullable(underWay);
        }
    }
}
