package org.hwpersonality.api.store;

import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Wake-ups between nodes through the database: PostgreSQL's {@code LISTEN/NOTIFY}, or within this process on a
 * database that has none (embedded Derby serves one node). A signal may be lost or doubled, so whoever waits for one
 * also polls; it only saves the waiting.
 */
@ProviderType
public interface Signals {
    /** A programming task was queued for a node (payload: the node's ID). */
    String TASK_QUEUED = "hwp_task";

    /** An allocation left PROGRAMMING (payload: its ID). */
    String ALLOCATION_CHANGED = "hwp_allocation";

    /** A node's back ends reported a change of its devices (payload: the node's ID). */
    String DEVICES_CHANGED = "hwp_devices";

    /** An administrator changed who may load an image or a profile (payload: the subject). */
    String SHARING_CHANGED = "hwp_sharing";

    /**
     * A request found no free region (payload: the asking node's ID): background programmings (bring-up,
     * pre-programming) keep quiet for a while on every node.
     */
    String REGION_WANTED = "hwp_region_wanted";

    /** A node's background programming began or ended (payload: {@code "NODE busy"} or {@code "NODE idle"}). */
    String BACKGROUND_WORK = "hwp_background";

    /** Sends {@code payload} to every subscriber of {@code channel} on every node. */
    void publish(String channel, String payload);

    /** Calls {@code listener} with each payload sent on {@code channel} until the returned handle is closed. */
    AutoCloseable subscribe(String channel, Consumer<String> listener);
}
