package org.hwpersonality.management.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.vm.VirtualMachine;
import org.hwpersonality.api.vm.VmRegistration;
import org.hwpersonality.matcher.internal.DefaultMatcher;
import org.hwpersonality.repository.internal.Database;
import org.hwpersonality.repository.internal.JpaVmRecords;
import org.hwpersonality.repository.internal.SqlTaskRecords;
import org.hwpersonality.repository.internal.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A revoked VM token never authenticates after the revocation returned on its node, and within the TTL on others. */
class TokenRevocationTest {
    private static final OsInfo LINUX = OsInfo.of("linux", "5.15.0");

    @TempDir
    Path folder;

    /**
     * The real repository, which can hold a token check between its database read and its return: the moment a
     * revocation may slip in.
     */
    static final class HeldVmRecords extends JpaVmRecords {
        volatile CountDownLatch reached;
        volatile CountDownLatch release;

        HeldVmRecords(Database database) {
            super(database);
        }

        @Override
        public Optional<VirtualMachine> findByToken(Sha256 tokenHash) {
            Optional<VirtualMachine> found = super.findByToken(tokenHash);
            CountDownLatch r = reached;
            if (r != null) {
                reached = null;
                r.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return found;
        }
    }

    @Test
    void aCheckThatReadTheTokenBeforeTheRevocationDoesNotCacheItPastTheRevocation() throws Exception {
        try (Platform p = new Platform(folder, Map.of(), Platform.u250("pr-", 1))) {
            HeldVmRecords vms = new HeldVmRecords(p.db.database);
            Management management = new Management(
                    new DefaultMatcher(),
                    p.profiles,
                    p.drivers,
                    p.allocations,
                    vms,
                    new org.hwpersonality.repository.internal.JpaTenantRecords(p.db.database),
                    new org.hwpersonality.repository.internal.SqlSharingRecords(p.db.database),
                    p.artifacts,
                    p.devices,
                    p.inventory,
                    p.node,
                    new SqlTaskRecords(p.db.database),
                    p.signals,
                    new org.hwpersonality.repository.internal.JpaEventLog(p.db.database),
                    p.metrics,
                    p.outcomes,
                    Platform.config(
                            Management.Config.class,
                            Map.of("reconcileEverySeconds", 3600L, "deviceRefreshSeconds", 3600L)));
            try {
                VmRegistration registration = management.registerVm("web-1", LINUX, "karaf");
                String token = registration.token();
                assertThat(management.authenticate(token)).isPresent();

                // A second token of a VM not yet cached by this node: its check reads the database, then is held.
                VmRegistration other = management.registerVm("web-2", LINUX, "karaf");
                vms.reached = new CountDownLatch(1);
                vms.release = new CountDownLatch(1);
                CountDownLatch reached = vms.reached;
                CompletableFuture<Optional<VirtualMachine>> inFlight =
                        CompletableFuture.supplyAsync(() -> management.authenticate(other.token()));
                assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();

                management.revokeToken(other.vm().id(), "karaf");
                vms.release.countDown();
                assertThat(inFlight.get(30, TimeUnit.SECONDS))
                        .as("the check began before the revocation returned: it may still pass")
                        .isPresent();

                assertThat(management.authenticate(other.token()))
                        .as("but what it found is not trusted after the revocation")
                        .isEmpty();
                assertThat(management.authenticate(other.token())).isEmpty();
                assertThat(management.authenticate(token))
                        .as("another VM's token still works")
                        .isPresent();

                management.revokeToken(registration.vm().id(), "karaf");
                assertThat(management.authenticate(token))
                        .as("a token cached as valid is refused as soon as its revocation returned")
                        .isEmpty();
            } finally {
                management.stop();
            }
        }
    }

    @Test
    void aTokenRevokedOnOneNodeIsRefusedThereAtOnceAndOnAnotherWithinTheTtl() throws Exception {
        try (TestDatabase db = TestDatabase.postgres();
                Platform a =
                        new Platform(TestDatabase.sameDatabaseAs(db), folder.resolve("a"), "api-a", "api", Map.of());
                Platform b =
                        new Platform(TestDatabase.sameDatabaseAs(db), folder.resolve("b"), "api-b", "api", Map.of())) {
            VmRegistration registration = a.management.registerVm("web-1", LINUX, "karaf");
            String token = registration.token();
            assertThat(b.management.authenticate(token))
                    .as("known on the other node, and cached there")
                    .isPresent();

            a.management.revokeToken(registration.vm().id(), "karaf");
            long revoked = System.nanoTime();
            assertThat(a.management.authenticate(token)).isEmpty();

            while (b.management.authenticate(token).isPresent()) {
                assertThat(Duration.ofNanos(System.nanoTime() - revoked))
                        .as("the other node refuses it within the TTL")
                        .isLessThanOrEqualTo(
                                Duration.ofNanos(Management.TOKEN_TTL_NANOS).plusMillis(500));
                Thread.sleep(50);
            }
            assertThat(b.management.authenticate(token)).isEmpty();
        }
    }
}
