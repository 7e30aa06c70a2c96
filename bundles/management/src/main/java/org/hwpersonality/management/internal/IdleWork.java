package org.hwpersonality.management.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Logger;
import org.hwpersonality.api.store.Signals;

/**
 * Background programmings of idle regions (bring-up characterization, pre-programming): one at a time on each node,
 * and they yield to requests of every node. A request that finds no free region calls {@link #yieldToRequest}: no
 * job starts for the quiet time on this node nor, through {@link Signals#REGION_WANTED}, on the others, and the
 * request waits for a job under way when it asked (never more than one programming): here, or on another node, whose
 * {@link Signals#BACKGROUND_WORK} signals say when its job starts and ends. A request that reserves a region first
 * simply wins it: the job's own reservation then fails. A lost signal costs at most what it saves: a request that
 * does not know of a job elsewhere gets its refusal at once, as without background work; one that missed the end
 * waits no longer than {@code longest}, and stops waiting for a node whose lease ran out (it was killed mid-job).
 */
final class IdleWork implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(IdleWork.class.getName());
    /** A node asks the others for quiet at most this often: under saturation every request may find no region. */
    private static final long ASK_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often a waiting request checks that the nodes it waits for are alive. */
    private static final long CHECK_LEASES_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long quietNanos;
    private final Signals signals;
    private final String node;
    private final AutoCloseable wanted;
    private final AutoCloseable announced;
    private final Predicate<String> live;
    private final Object lock = new Object();
    private String underWay; // what runs here, guarded by lock
    private long quietUntil = System.nanoTime(); // guarded by lock
    /** The nodes whose job is under way (this one included), with when it began (nanoTime); guarded by lock. */
    private final Map<String, Long> busy = new HashMap<>();
    /** Bumped whenever a job ends anywhere; guarded by lock. */
    private long ended;

    private long askedAt = System.nanoTime() - ASK_EVERY_NANOS; // guarded by lock

    /** {@code live} tells whether a node's lease holds (read when a request has waited a second for it). */
    IdleWork(Duration quiet, Signals signals, String node, Predicate<String> live) {
        this.quietNanos = quiet.toNanos();
        this.live = live;
        this.signals = signals;
        this.node = node;
        this.wanted = signals.subscribe(Signals.REGION_WANTED, from -> {
            if (!node.equals(from)) {
                keepQuiet();
            }
        });
        this.announced = signals.subscribe(Signals.BACKGROUND_WORK, this::heard);
    }

    /** Runs {@code job} (described as {@code what}) unless a request asked for quiet or another job runs; true if run. */
    boolean run(String what, Runnable job) {
        synchronized (lock) {
            if (underWay != null || System.nanoTime() - quietUntil < 0) {
                return false;
            }
            underWay = what;
            busy.put(node, System.nanoTime());
        }
        announce(true);
        try {
            job.run();
            return true;
        } finally {
            synchronized (lock) {
                underWay = null;
                busy.remove(node);
                ended++;
                lock.notifyAll();
            }
            announce(false);
        }
    }

    /**
     * A request found no free region: no job starts for the quiet time here or (asked at most once a second) on the
     * other nodes, and this waits, at most {@code longest}, until a job under way here or elsewhere ends. True if one
     * ended (the caller matches again: that region is free).
     */
    boolean yieldToRequest(Duration longest) {
        long now = System.nanoTime();
        long deadline = now + longest.toNanos();
        boolean ask;
        synchronized (lock) {
            quietUntil = now + quietNanos;
            ask = now - askedAt >= ASK_EVERY_NANOS;
            if (ask) {
                askedAt = now;
            }
        }
        if (ask) {
            publish(Signals.REGION_WANTED, node);
        }
        long seen;
        synchronized (lock) {
            busy.values().removeIf(began -> now - began > longest.toNanos()); // its end was not heard
            if (busy.isEmpty()) {
                return false;
            }
            LOG.info("A request waits for the background programming under way on " + busy.keySet());
            seen = ended;
        }
        while (true) {
            List<String> others;
            synchronized (lock) {
                long left = deadline - System.nanoTime();
                if (ended == seen && left > 0 && !busy.isEmpty()) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, CHECK_LEASES_NANOS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                if (ended != seen) {
                    return true;
                }
                if (deadline - System.nanoTime() <= 0 || busy.isEmpty()) {
                    return false;
                }
                others = new ArrayList<>(busy.keySet());
                others.remove(node);
            }
            forgetDead(others); // outside the lock: it reads the database
        }
    }

    /** Drops the jobs of those {@code others} whose lease ran out: they were stopped mid-job, and will not say so. */
    private void forgetDead(List<String> others) {
        for (String other : others) {
            boolean alive;
            try {
                alive = live.test(other);
            } catch (RuntimeException e) {
                alive = true; // the database did not answer: keep waiting, no longer than longest
            }
            if (!alive) {
                synchronized (lock) {
                    busy.remove(other);
                }
            }
        }
    }

    /** What runs on this node now, if anything. */
    Optional<String> underWay() {
        synchronized (lock) {
            return Optional.ofNullable(underWay);
        }
    }

    @Override
    public void close() throws Exception {
        wanted.close();
        announced.close();
    }

    /** Another node's request found no free region: no job starts here for the quiet time. */
    private void keepQuiet() {
        synchronized (lock) {
            quietUntil = System.nanoTime() + quietNanos;
        }
    }

    /** Another node's job began or ended ({@code "NODE busy"} or {@code "NODE idle"}). */
    private void heard(String payload) {
        int space = payload.lastIndexOf(' ');
        String from = space < 0 ? payload : payload.substring(0, space);
        if (from.equals(node)) {
            return; // this node's own job is known first hand
        }
        synchronized (lock) {
            if (payload.endsWith(" busy")) {
                busy.put(from, System.nanoTime());
            } else if (busy.remove(from) != null) {
                ended++;
                lock.notifyAll();
            }
        }
    }

    private void announce(boolean started) {
        publish(Signals.BACKGROUND_WORK, node + (started ? " busy" : " idle"));
    }

    private void publish(String channel, String payload) {
        try {
            signals.publish(channel, payload);
        } catch (RuntimeException e) {
            // a signal only saves waiting: without it, another node's request is refused as without background work
            LOG.fine("Could not signal " + channel + ": " + e);
        }
    }
}
