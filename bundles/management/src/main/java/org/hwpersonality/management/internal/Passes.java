package org.hwpersonality.management.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A background job's passes, on a daemon thread of their own: one every {@code every}, and one soon after each
 * {@link #wake} (wakes that come while one is pending make one pass).
 */
final class Passes implements AutoCloseable {
    private final ScheduledExecutorService executor;
    private final Runnable pass;
    private final AtomicBoolean pending = new AtomicBoolean();

    Passes(String threadName, Duration every, Runnable pass) {
        this.pass = pass;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(pass, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A pass soon. */
    void wake() {
        if (pending.compareAndSet(false, true)) {
            executor.execute(() -> {
                pending.set(false);
                pass.run();
            });
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
