-- The allocation path, in indexes. Every change of an allocation's state rewrote its entries in four indexes, and
-- "what does this VM hold" scanned every allocation the VM ever had.
--
-- HELD_VM is the VM's ID while the allocation holds its region (as HELD_REGION is the region's), else null: the
-- VM's current allocations are one index lookup away, however long its history.
ALTER TABLE HWP_ALLOCATION ADD COLUMN HELD_VM VARCHAR(128);
UPDATE HWP_ALLOCATION SET HELD_VM = VM_ID WHERE HELD_REGION IS NOT NULL;
CREATE INDEX HWP_ALLOCATION_HELD_VM ON HWP_ALLOCATION (HELD_VM);

-- A VM's history by creation time, which never changes (the old index held the state, which does).
DROP INDEX HWP_ALLOCATION_VM;
CREATE INDEX HWP_ALLOCATION_VM ON HWP_ALLOCATION (VM_ID, CREATED_AT);

-- Never used; what the state index served (allocations mid-step, drivers in use) concerns only allocations that hold
-- a region, which the unique HELD_REGION index finds.
DROP INDEX HWP_ALLOCATION_REGION;
DROP INDEX HWP_ALLOCATION_STATE;
