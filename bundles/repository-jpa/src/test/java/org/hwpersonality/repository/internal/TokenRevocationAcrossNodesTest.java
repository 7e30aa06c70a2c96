package org.hwpersonality.repository.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Instant;
import java.util.Map;
import javax.persistence.EntityManagerFactory;
import org.eclipse.persistence.jpa.PersistenceProvider;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.vm.VirtualMachine;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL database, each with its own connection pool and persistence unit (its own
 * EntityManagerFactory): a token revoked through one is refused through the other at once, even where that node's
 * unit has EclipseLink's shared cache turned on (the VM look-ups are plain JDBC, and stay correct if one ever is not).
 */
class TokenRevocationAcrossNodesTest {
    private static final Instant NOW = Instant.parse("2026-12-05T07:00:00Z");
    private static final Sha256 HASH = Sha256.of("ab".repeat(32));
    private static final Sha256 OTHER_HASH = Sha256.of("cd".repeat(32));

    @Test
    void aTokenRevokedOnOneNodeIsRefusedOnTheOtherAtOnce() {
        try (TestDatabase a = TestDatabase.postgres();
                TestDatabase b = TestDatabase.sameDatabaseAs(a)) {
            JpaVmRecords onA = new JpaVmRecords(a.database);
            JpaVmRecords onB = new JpaVmRecords(b.database);
            VirtualMachine vm = onA.register(vm("vm-1"), HASH, "karaf");
            assertThat(onB.findByToken(HASH)).as("valid on the other node").contains(vm);

            onA.revokeToken(vm.id(), "karaf");

            assertThat(onB.findByToken(HASH))
                    .as("refused on the other node right after")
                    .isEmpty();
            assertThat(onA.findByToken(HASH)).isEmpty();
        }
    }

    @Test
    void theVmLookUpsIgnoreASharedCache() {
        try (TestDatabase a = TestDatabase.postgres();
                HikariDataSource pool = new HikariDataSource()) {
            pool.setDataSource(a.unpooledForTests());
            EntityManagerFactory cached = new PersistenceProvider()
                    .createEntityManagerFactory(
                            "hwp",
                            Map.of(
                                    "javax.persistence.nonJtaDataSource",
                                    pool,
                                    "javax.persistence.sharedCache.mode",
                                    "ALL"));
            try {
                Database db = new Database(pool, cached);
                JpaVmRecords onA = new JpaVmRecords(a.database);
                JpaVmRecords onB = new JpaVmRecords(db);
                VirtualMachine vm = onA.register(vm("vm-2"), OTHER_HASH, "karaf");
                assertThat(onB.findByToken(OTHER_HASH)).contains(vm);
                assertThat(onB.find(vm.id())).contains(vm);

                onA.revokeToken(vm.id(), "karaf");

                // Both look-ups read the database, whatever node B's unit caches.
                assertThat(onB.find(vm.id()).orElseThrow().tokenRevoked())
                        .as("the VM read on node B is as stored")
                        .isTrue();
                assertThat(onB.findByToken(OTHER_HASH))
                        .as("the token look-up asks the database")
                        .isEmpty();
                db.close();
            } finally {
                cached.close();
            }
        }
    }

    private static VirtualMachine vm(String id) {
        return new VirtualMachine(id, id, OsInfo.of("linux", "5.15.0"), false, NOW);
    }
}
