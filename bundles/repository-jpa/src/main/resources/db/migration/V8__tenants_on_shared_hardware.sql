-- HWP schema, version 8: tenants on shared hardware (issue 22).

-- The tenant whose design or data a region may still hold: the tenant of the last allocation that used it, NULL when
-- it served none or was cleared since. A VM of another tenant gets the region only after a clear.
ALTER TABLE HWP_REGION ADD COLUMN TENANT VARCHAR(64);
-- Before this version nothing was recorded: a region held by an allocation now is its VM's tenant's (HELD_REGION is
-- unique and indexed); any other region that holds an image is taken as the default tenant's, so that another
-- tenant's VM gets it only after a clear.
UPDATE HWP_REGION SET TENANT = (SELECT v.TENANT FROM HWP_ALLOCATION a JOIN HWP_VM v ON v.ID = a.VM_ID
    WHERE a.HELD_REGION = HWP_REGION.DEVICE_ID || '/' || HWP_REGION.REGION_ID);
UPDATE HWP_REGION SET TENANT = 'default' WHERE TENANT IS NULL AND LOADED_IMAGE IS NOT NULL;

-- Who may load an image or a profile. No row: public, not shareable (everything stored before this version).
-- SUBJECT_KIND 'IMAGE' (SUBJECT: the image's SHA-256) or 'PROFILE' (SUBJECT: a Personality ID); PUBLIC: any tenant
-- may load it, else only the TENANTS listed (comma-separated IDs, empty: administrators only); SHAREABLE (profiles):
-- a region holding it may pass to another tenant's VM without a clear (it keeps no tenant data between uses).
CREATE TABLE HWP_SHARING (
    SUBJECT_KIND VARCHAR(8)    NOT NULL,
    SUBJECT      VARCHAR(128)  NOT NULL,
    PUBLIC_USE   BOOLEAN       NOT NULL,
    TENANTS      VARCHAR(4096) NOT NULL,
    SHAREABLE    BOOLEAN       NOT NULL,
    UPDATED_AT   TIMESTAMP     NOT NULL,
    PRIMARY KEY (SUBJECT_KIND, SUBJECT)
);

-- The installation's Ed25519 signature over an image's SHA-256 and metadata (base64), checked by the node that
-- programs it right before loading; NULL for an image stored before this version until the next start signs it.
ALTER TABLE HWP_BITSTREAM ADD COLUMN SIGNATURE VARCHAR(128);
