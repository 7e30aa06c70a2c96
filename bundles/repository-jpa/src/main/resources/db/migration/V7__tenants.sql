-- HWP schema, version 7: tenants, the owners of VMs (issue 22). Every VM belongs to one; 'default' exists from the
-- start and owns every VM registered before this version, and every VM registered without a tenant.
-- MAX_ALLOCATIONS: the most allocations the tenant's VMs may hold at once (NULL: no limit).
CREATE TABLE HWP_TENANT (
    ID              VARCHAR(64)  NOT NULL PRIMARY KEY,
    DESCRIPTION     VARCHAR(255) NOT NULL,
    CREATED_AT      TIMESTAMP    NOT NULL,
    MAX_ALLOCATIONS INTEGER,
    ROW_VERSION     BIGINT       NOT NULL
);
INSERT INTO HWP_TENANT (ID, DESCRIPTION, CREATED_AT, ROW_VERSION)
    VALUES ('default', 'VMs registered without a tenant', CURRENT_TIMESTAMP, 1);

ALTER TABLE HWP_VM ADD COLUMN TENANT VARCHAR(64) DEFAULT 'default' NOT NULL;
ALTER TABLE HWP_VM ADD CONSTRAINT HWP_VM_TENANT FOREIGN KEY (TENANT) REFERENCES HWP_TENANT (ID);
-- A quota counts the allocations held by the tenant's VMs: its VMs by tenant, then each one's held allocations.
CREATE INDEX HWP_VM_BY_TENANT ON HWP_VM (TENANT, ID);
