-- HWP schema, version 6: where a VM runs. HOST_NODE is the node whose cards it can reach (NULL: any node);
-- DOMAIN_NAME the hypervisor's name or UUID for it (NULL: not known, nothing to attach to).
ALTER TABLE HWP_VM ADD COLUMN HOST_NODE VARCHAR(64);
ALTER TABLE HWP_VM ADD COLUMN DOMAIN_NAME VARCHAR(255);

-- The PCI function a guest uses to reach a region (DDDD:BB:SS.F), as its back end reports it; NULL when it does not.
ALTER TABLE HWP_REGION ADD COLUMN GUEST_FUNCTION VARCHAR(16);

-- The slot an allocation fills: a VM holds at most one allocation per slot (several accelerators per VM).
ALTER TABLE HWP_ALLOCATION ADD COLUMN SLOT VARCHAR(64) DEFAULT 'default' NOT NULL;
