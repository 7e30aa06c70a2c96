package org.hwpersonality.repository.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

/** Statements are kept per physical connection, and outlive the pool's taking back of its proxy. */
class StatementsTest {
    private static final String SQL = "SELECT COUNT(*) FROM HWP_ALLOCATION WHERE VM_ID = ?";

    @Test
    void aStatementIsPreparedOncePerConnection() throws Exception {
        try (TestDatabase db = TestDatabase.derby()) {
            PreparedStatement first;
            try (Connection c = db.dataSource.getConnection()) {
                first = Statements.prepare(c, SQL);
                assertThat(Statements.prepare(c, SQL)).isSameAs(first);
                assertThat(Statements.prepare(c, SQL + " AND STATE = 'ACTIVE'")).isNotSameAs(first);
            }
            assertThat(first.isClosed())
                    .as("the pool closed only what went through its proxy")
                    .isFalse();
            first.setString(1, "vm-1");
            try (ResultSet rs = first.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isZero();
            }
            try (Connection a = db.dataSource.getConnection();
                    Connection b = db.dataSource.getConnection()) {
                assertThat(Statements.prepare(a, SQL))
                        .as("two connections at once: each has its own")
                        .isNotSameAs(Statements.prepare(b, SQL));
            }
        }
    }
}
