package org.hwpersonality.api.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.node.Node;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The nodes of the installation in the database, each with the lease its running process renews. A process holds
 * its node's row through a session (a random value of its own): it takes the row when the row is new or when it
 * names the session it saw, and only that session renews it, so two processes never both believe they are the node.
 */
@ProviderType
public interface NodeRecords {
    /** The node's row as a process starting finds it: the session holding it, and where that process ran. */
    record Holder(Node node, String session, long pid) {}

    Optional<Holder> holder(String nodeId);

    /**
     * Takes the node's row for {@code session}: inserts it, or replaces it if it is still held by {@code
     * previousSession} (compare and set). False when another process took or renewed it meanwhile.
     */
    boolean take(Node node, String session, long pid, Optional<String> previousSession);

    /** Renews the lease of the session that holds the row; false when another session holds it now. */
    boolean renew(String nodeId, String session, Instant heartbeatAt, Instant leaseUntil);

    /** Ends the lease of the session that holds the row now (a process that stops); false if another holds it. */
    boolean release(String nodeId, String session);

    /** Every node with the number of devices it owns, by ID. */
    List<Node> nodes();

    /**
     * Turns OFFLINE the devices of every node whose lease ended before {@code now} (allocations kept), with an audit
     * row per node; returns the IDs of the nodes whose devices changed.
     */
    List<String> expireLeases(Instant now, String actor);

    /**
     * Devices recorded before devices belonged to nodes (an upgraded single-node database) become this node's;
     * returns how many.
     */
    int adoptUnassignedDevices(String nodeId);

    /** The node of devices recorded before nodes existed, until a host node adopts them. */
    String UNASSIGNED = "unassigned";
}
