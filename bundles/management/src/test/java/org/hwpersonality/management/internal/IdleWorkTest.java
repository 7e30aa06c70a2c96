package org.hwpersonality.management.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.hwpersonality.api.store.Signals;
import org.hwpersonality.repository.internal.DatabaseSignals;
import org.hwpersonality.repository.internal.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * Background work across nodes, with the signals of a real database (in-process on embedded Derby, as PostgreSQL's
 * LISTEN/NOTIFY delivers them to every node): another node's request asks for quiet, another node's job is waited
 * for until it says it ended, and a node whose lease ran out mid-job is not waited for.
 */
class IdleWorkTest {
    private static final Duration LONGEST = Duration.ofSeconds(30);

    @Test
    void aRequestWaitsForAnotherNodesJobUntilThatNodeSaysItEnded() throws Exception {
        try (TestDatabase db = TestDatabase.derby()) {
            DatabaseSignals signals = new DatabaseSignals(db.database);
            IdleWork here = new IdleWork(Duration.ofSeconds(5), signals, "api-1", n -> true);
            signals.publish(Signals.BACKGROUND_WORK, "host-b busy");
            CompletableFuture.runAsync(() -> {
                sleep(300);
                signals.publish(Signals.BACKGROUND_WORK, "host-b idle");
            });
            long t0 = System.nanoTime();
            assertThat(here.yieldToRequest(LONGEST))
                    .as("the job ended: its region is free")
                    .isTrue();
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(waitedMs).isBetween(250L, 5_000L);

            assertThat(here.yieldToRequest(LONGEST))
                    .as("no job under way anywhere: the request is refused at once")
                    .isFalse();
        }
    }

    @Test
    void aNodeWhoseLeaseRanOutMidJobIsNotWaitedFor() throws Exception {
        Set<String> dead = ConcurrentHashMap.newKeySet();
        try (TestDatabase db = TestDatabase.derby()) {
            DatabaseSignals signals = new DatabaseSignals(db.database);
            IdleWork here = new IdleWork(Duration.ofSeconds(5), signals, "api-1", n -> !dead.contains(n));
            signals.publish(Signals.BACKGROUND_WORK, "host-c busy"); // and then killed: no "idle" comes
            dead.add("host-c");
            long t0 = System.nanoTime();
            assertThat(here.yieldToRequest(LONGEST)).isFalse();
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(waitedMs)
                    .as("about one lease check, not the %d s a programming may take", LONGEST.toSeconds())
                    .isLessThan(5_000L);
        }
    }

    @Test
    void anotherNodesRequestKeepsThisNodeQuietAndItsOwnDoesToo() throws Exception {
        try (TestDatabase db = TestDatabase.derby()) {
            DatabaseSignals signals = new DatabaseSignals(db.database);
            IdleWork host = new IdleWork(Duration.ofSeconds(60), signals, "host-a", n -> true);
            signals.publish(Signals.REGION_WANTED, "host-a"); // its own ask comes back: nothing changes by it
            boolean[] ran = new boolean[1];
            assertThat(host.run("a job", () -> ran[0] = true)).isTrue();
            assertThat(ran[0]).isTrue();

            signals.publish(Signals.REGION_WANTED, "api-1");
            assertThat(host.run("another job", () -> {
                        throw new AssertionError("must not run in the quiet time");
                    }))
                    .as("another node's request asked for quiet")
                    .isFalse();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
