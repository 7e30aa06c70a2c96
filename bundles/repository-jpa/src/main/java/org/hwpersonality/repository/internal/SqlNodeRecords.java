package org.hwpersonality.repository.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.node.Node;
import org.hwpersonality.api.node.NodeRole;
import org.hwpersonality.api.store.NodeRecords;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Nodes and their leases in HWP_NODE, in plain JDBC: a heartbeat is one statement every few seconds per node. */
@Component(service = NodeRecords.class)
public class SqlNodeRecords implements NodeRecords {
    private static final String COLUMNS =
            "ID, ROLES, HOST_NAME, STARTED_AT, HEARTBEAT_AT, LEASE_UNTIL, SESSION_ID, PROCESS_ID";

    private final Database database;

    @Activate
    public SqlNodeRecords(@Reference Database database) {
        this.database = database;
    }

    @Override
    public Optional<Holder> holder(String nodeId) {
        return database.jdbcRead(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM HWP_NODE WHERE ID = ?")) {
                s.setString(1, nodeId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next()
                            ? Optional.of(
                                    new Holder(read(rs, 0), rs.getString(7).trim(), rs.getLong(8)))
                            : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean take(Node node, String session, long pid, Optional<String> previousSession) {
        return database.inJdbcTransaction(c -> {
            if (previousSession.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO HWP_NODE (" + COLUMNS
                        + ", ROW_VERSION) SELECT ?, ?, ?, ?, ?, ?, ?, ?, 1 FROM HWP_COUNTER WHERE NAME = 'profiles'"
                        + " AND NOT EXISTS (SELECT 1 FROM HWP_NODE WHERE ID = ?)")) {
                    int i = bind(s, node, session, pid);
                    s.setString(i, node.id());
                    return s.executeUpdate() == 1;
                }
            }
            try (PreparedStatement s =
                    c.prepareStatement("UPDATE HWP_NODE SET ROLES = ?, HOST_NAME = ?, STARTED_AT = ?,"
                            + " HEARTBEAT_AT = ?, LEASE_UNTIL = ?, SESSION_ID = ?, PROCESS_ID = ?, ROW_VERSION = ROW_VERSION + 1"
                            + " WHERE ID = ? AND SESSION_ID = ?")) {
                s.setString(1, roles(node.roles()));
                s.setString(2, node.hostName());
                s.setTimestamp(3, Timestamp.from(node.startedAt()));
                s.setTimestamp(4, Timestamp.from(node.heartbeatAt()));
                s.setTimestamp(5, Timestamp.from(node.leaseUntil()));
                s.setString(6, session);
                s.setLong(7, pid);
                s.setString(8, node.id());
                s.setString(9, previousSession.get());
                return s.executeUpdate() == 1;
            }
        });
    }

    private static int bind(PreparedStatement s, Node node, String session, long pid) throws SQLException {
        s.setString(1, node.id());
        s.setString(2, roles(node.roles()));
        s.setString(3, node.hostName());
        s.setTimestamp(4, Timestamp.from(node.startedAt()));
        s.setTimestamp(5, Timestamp.from(node.heartbeatAt()));
        s.setTimestamp(6, Timestamp.from(node.leaseUntil()));
        s.setString(7, session);
        s.setLong(8, pid);
        return 9;
    }

    @Override
    public boolean renew(String nodeId, String session, Instant heartbeatAt, Instant leaseUntil) {
        return database.inJdbcTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE HWP_NODE SET HEARTBEAT_AT = ?, LEASE_UNTIL = ?" + " WHERE ID = ? AND SESSION_ID = ?")) {
                s.setTimestamp(1, Timestamp.from(heartbeatAt));
                s.setTimestamp(2, Timestamp.from(leaseUntil));
                s.setString(3, nodeId);
                s.setString(4, session);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean release(String nodeId, String session) {
        return database.inJdbcTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE HWP_NODE SET LEASE_UNTIL = HEARTBEAT_AT WHERE ID = ? AND SESSION_ID = ?")) {
                s.setString(1, nodeId);
                s.setString(2, session);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<Node> nodes() {
        return database.jdbcRead(c -> {
            List<Node> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                            "SELECT " + COLUMNS
                                    + ", (SELECT COUNT(*) FROM HWP_DEVICE D WHERE D.NODE_ID = HWP_NODE.ID) FROM HWP_NODE ORDER BY ID");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs, rs.getInt(9)));
                }
            }
            return out;
        });
    }

    @Override
    public List<String> expireLeases(Instant now, String actor) {
        return database.inJdbcTransaction(c -> {
            List<String> expired = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT N.ID, N.LEASE_UNTIL FROM HWP_NODE N WHERE N.LEASE_UNTIL < ?"
                            + " AND EXISTS (SELECT 1 FROM HWP_DEVICE D WHERE D.NODE_ID = N.ID AND D.STATE <> 'OFFLINE')")) {
                s.setTimestamp(1, Timestamp.from(now));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        expired.add(rs.getString(1));
                    }
                }
            }
            for (String node : expired) {
                int n;
                try (PreparedStatement s = c.prepareStatement("UPDATE HWP_DEVICE SET STATE = 'OFFLINE',"
                        + " ROW_VERSION = ROW_VERSION + 1 WHERE NODE_ID = ? AND STATE <> 'OFFLINE'")) {
                    s.setString(1, node);
                    n = s.executeUpdate();
                }
                Audit.write(
                        c,
                        HwpEvent.topic("node", "LEASE_EXPIRED"),
                        node,
                        actor,
                        Map.of("node", node, "devicesOffline", String.valueOf(n)));
            }
            return expired;
        });
    }

    @Override
    public int adoptUnassignedDevices(String nodeId) {
        return database.inJdbcTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE HWP_DEVICE SET NODE_ID = ?,"
                    + " ROW_VERSION = ROW_VERSION + 1 WHERE NODE_ID = '" + UNASSIGNED + "'")) {
                s.setString(1, nodeId);
                return s.executeUpdate();
            }
        });
    }

    private static Node read(ResultSet rs, int devices) throws SQLException {
        Set<NodeRole> roles = EnumSet.noneOf(NodeRole.class);
        Arrays.stream(rs.getString(2).split(","))
                .map(r -> NodeRole.of("roles", r))
                .forEach(roles::add);
        return new Node(
                rs.getString(1),
                roles,
                rs.getString(3),
                rs.getTimestamp(4).toInstant(),
                rs.getTimestamp(5).toInstant(),
                rs.getTimestamp(6).toInstant(),
                devices);
    }

    private static String roles(Set<NodeRole> roles) {
        return roles.stream().sorted().map(NodeRole::label).collect(Collectors.joining(","));
    }
}
