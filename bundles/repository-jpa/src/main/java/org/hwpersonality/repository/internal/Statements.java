package org.hwpersonality.repository.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Prepared statements kept per physical connection, for the allocation path. Derby 10.14's statements have
 * finalizers: preparing one per execution left thousands of finalizable objects per second, and reference
 * processing took half of each young-generation pause (45 of 86 ms measured). A kept statement is reused as it is:
 * callers set every parameter, close their result sets, and never close the statement. A connection is used by one
 * thread at a time (the pool's contract), so its statements need no further locking.
 */
final class Statements {
    /** Connections whose statements are kept; closed ones are dropped when more than this many are known. */
    private static final int SWEEP_ABOVE = 256;

    private static final Map<Connection, Map<String, PreparedStatement>> KEPT = new HashMap<>();

    private Statements() {}

    static PreparedStatement prepare(Connection c, String sql) throws SQLException {
        Connection physical = c.isWrapperFor(Connection.class) ? c.unwrap(Connection.class) : c;
        Map<String, PreparedStatement> kept;
        synchronized (KEPT) {
            kept = KEPT.get(physical);
            if (kept == null) {
                if (KEPT.size() >= SWEEP_ABOVE) {
                    sweep();
                }
                kept = new HashMap<>();
                KEPT.put(physical, kept);
            }
        }
        PreparedStatement s = kept.get(sql);
        if (s == null || s.isClosed()) {
            // On the physical connection: a pool closes what was prepared through its proxy when it takes that back.
            s = physical.prepareStatement(sql);
            kept.put(sql, s);
        }
        return s;
    }

    /** Drops the statements of connections the pool has closed. */
    private static void sweep() throws SQLException {
        for (Iterator<Connection> i = KEPT.keySet().iterator(); i.hasNext(); ) {
            if (i.next().isClosed()) {
                i.remove();
            }
        }
    }
}
