-- HWP schema, version 4: nodes, devices that belong to nodes, and programming tasks for the node that owns a device.

-- A node (a Karaf distribution sharing this database) and the lease its running process renews. SESSION_ID is a
-- random value of that process; PROCESS_ID and HOST_NAME let a restarted process on the same machine see that the
-- holder is gone without waiting for the lease.
CREATE TABLE HWP_NODE (
    ID            VARCHAR(64)  NOT NULL PRIMARY KEY,
    ROLES         VARCHAR(64)  NOT NULL,
    HOST_NAME     VARCHAR(255) NOT NULL,
    PROCESS_ID    BIGINT       NOT NULL,
    SESSION_ID    CHAR(32)     NOT NULL,
    STARTED_AT    TIMESTAMP    NOT NULL,
    HEARTBEAT_AT  TIMESTAMP    NOT NULL,
    LEASE_UNTIL   TIMESTAMP    NOT NULL,
    ROW_VERSION   BIGINT       NOT NULL
);

-- The node whose back ends see the device, and the back end's own ID for it. Devices recorded before are
-- 'unassigned' until a host node adopts them (an upgraded single node: its devices keep their IDs).
ALTER TABLE HWP_DEVICE ADD COLUMN NODE_ID VARCHAR(64) DEFAULT 'unassigned' NOT NULL;
ALTER TABLE HWP_DEVICE ADD COLUMN LOCAL_ID VARCHAR(128);  -- always written; nullable only because Derby and PostgreSQL disagree on ALTER … NOT NULL
UPDATE HWP_DEVICE SET LOCAL_ID = ID;
CREATE UNIQUE INDEX HWP_DEVICE_LOCAL ON HWP_DEVICE (NODE_ID, LOCAL_ID);

-- Programming of a region on another node's device, queued in the transaction that records the allocation
-- PROGRAMMING; the owning node claims it (FOR UPDATE SKIP LOCKED on PostgreSQL) and records the outcome.
CREATE TABLE HWP_TASK (
    ID             VARCHAR(128)  NOT NULL PRIMARY KEY,
    NODE_ID        VARCHAR(64)   NOT NULL,
    ALLOCATION_ID  VARCHAR(128)  NOT NULL,
    DEVICE_ID      VARCHAR(128)  NOT NULL,
    REGION_ID      VARCHAR(128)  NOT NULL,
    STATE          VARCHAR(16)   NOT NULL,
    CLAIMED_BY     CHAR(32),
    CREATED_AT     TIMESTAMP     NOT NULL,
    UPDATED_AT     TIMESTAMP     NOT NULL,
    OUTCOME        VARCHAR(4096),
    DURATION_MS    DOUBLE PRECISION
);
CREATE INDEX HWP_TASK_QUEUE ON HWP_TASK (NODE_ID, STATE, CREATED_AT);
CREATE INDEX HWP_TASK_ALLOCATION ON HWP_TASK (ALLOCATION_ID);
