package org.hwpersonality.management.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.store.AllocationRecords;
import org.hwpersonality.api.store.Signals;

/**
 * Waits for an allocation that another node programs to leave PROGRAMMING: woken by that node's signal, and reading
 * the allocation again every {@link #POLL} in case a signal was lost.
 */
final class AllocationWaiter implements AutoCloseable {
    static final Duration POLL = Duration.ofMillis(250);

    private final AllocationRecords allocations;
    private final Map<String, Flag> waiting = new ConcurrentHashMap<>();

    /** A wake-up that is kept until the waiter looks, so that none is lost between a read and the wait. */
    private static final class Flag {
        private boolean raised;

        synchronized void raise() {
            raised = true;
            notifyAll();
        }

        synchronized void await(long millis) throws InterruptedException {
            if (!raised) {
                wait(millis);
            }
            raised = false;
        }
    }

    private final AutoCloseable subscription;

    AllocationWaiter(AllocationRecords allocations, Signals signals) {
        this.allocations = allocations;
        this.subscription = signals.subscribe(Signals.ALLOCATION_CHANGED, this::wake);
    }

    private void wake(String allocationId) {
        Flag flag = waiting.get(allocationId);
        if (flag != null) {
            flag.raise();
        }
    }

    /**
     * Starts waiting for an allocation that is about to be dispatched: called before the dispatch, so that the other
     * node's signal cannot come before anybody listens for it.
     */
    Waiting expect(String allocationId) {
        Flag flag = new Flag();
        waiting.put(allocationId, flag);
        return new Waiting(allocationId, flag);
    }

    /** One allocation waited for; closed when the wait is over (or the dispatch failed). */
    final class Waiting implements AutoCloseable {
        private final String allocationId;
        private final Flag flag;

        private Waiting(String allocationId, Flag flag) {
            this.allocationId = allocationId;
            this.flag = flag;
        }

        /**
         * The allocation, dispatched PROGRAMMING (or RELEASING), once it is no longer in that state, or as it is after
         * {@code timeout}: read after each wake-up and at least every {@link #POLL}.
         */
        Allocation await(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left > 0) {
                        flag.await(Math.max(1, Math.min(POLL.toMillis(), left / 1_000_000)));
                    }
                    Allocation a = allocations
                            .find(allocationId)
                            .orElseThrow(() -> HwpException.notFound("allocation", allocationId));
                    boolean midStep =
                            a.state() == AllocationState.PROGRAMMING || a.state() == AllocationState.RELEASING;
                    if (!midStep || deadline - System.nanoTime() <= 0) {
                        return a;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return allocations.find(allocationId).orElseThrow();
            }
        }

        @Override
        public void close() {
            waiting.remove(allocationId, flag);
        }
    }

    @Override
    public void close() throws Exception {
        subscription.close();
    }
}
