package org.hwpersonality.api.node;

import java.time.Instant;
import java.util.Set;
import org.hwpersonality.api.internal.Checks;

/**
 * A node of the installation as the database has it: its ID, roles, when its current process started, when it last
 * renewed its lease and until when the lease holds, where it runs, and how many devices it owns. A node whose lease
 * has run out is not {@link #live(Instant) live}: its devices are OFFLINE until it returns.
 */
public record Node(
        String id,
        Set<NodeRole> roles,
        String hostName,
        Instant startedAt,
        Instant heartbeatAt,
        Instant leaseUntil,
        int devices) {
    /** The most characters of a node ID (a device ID is the node's ID, ':' and the back end's ID). */
    public static final int MAX_ID = 64;

    public Node {
        id = id(id);
        roles = Set.copyOf(Checks.notNull("roles", roles));
        if (roles.isEmpty()) {
            throw new org.hwpersonality.api.ValidationException("roles", "must name at least one role: api, host");
        }
        Checks.text("hostName", hostName, 255);
        Checks.notNull("startedAt", startedAt);
        Checks.notNull("heartbeatAt", heartbeatAt);
        Checks.notNull("leaseUntil", leaseUntil);
    }

    /** Checks a node ID: an ID of at most {@link #MAX_ID} characters. */
    public static String id(String id) {
        Checks.id("node", id);
        if (id.length() > MAX_ID) {
            throw new org.hwpersonality.api.ValidationException("node", "must be at most " + MAX_ID + " characters");
        }
        return id;
    }

    public boolean has(NodeRole role) {
        return roles.contains(role);
    }

    /** Whether the lease still holds at {@code now}. */
    public boolean live(Instant now) {
        return leaseUntil.isAfter(now);
    }
}
