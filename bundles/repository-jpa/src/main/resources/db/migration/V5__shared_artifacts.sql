-- Artifacts shared by every node of an installation (the database is the one place all nodes reach).
-- ${binary_type} is BLOB on Derby, BYTEA on PostgreSQL. V4 is left to another change (nodes and tasks).
--
-- A blob: its SHA-256 names it; its bytes are CHUNKS rows of HWP_BLOB_CHUNK of 1 MiB each (the last one shorter),
-- written in the transaction that writes this row, so a visible blob is a complete one. STORED_AT is when it was
-- stored or last stored again: the collector deletes only unreferenced blobs older than its grace period.
CREATE TABLE HWP_BLOB (
    SHA256      CHAR(64)  NOT NULL PRIMARY KEY,
    SIZE_BYTES  BIGINT    NOT NULL,
    CHUNKS      INTEGER   NOT NULL,
    STORED_AT   TIMESTAMP NOT NULL
);
CREATE INDEX HWP_BLOB_STORED_AT ON HWP_BLOB (STORED_AT);

CREATE TABLE HWP_BLOB_CHUNK (
    SHA256    CHAR(64)        NOT NULL,
    CHUNK_NO  INTEGER         NOT NULL,
    DATA      ${binary_type}  NOT NULL,
    PRIMARY KEY (SHA256, CHUNK_NO),
    CONSTRAINT HWP_BLOB_CHUNK_BLOB FOREIGN KEY (SHA256) REFERENCES HWP_BLOB (SHA256)
);

-- The installation's signing key pairs by purpose ('driver-signing'): one per installation, whichever node made
-- it or brought it from its own key folder first. Keys are base64 of their standard encodings (X.509, PKCS#8).
CREATE TABLE HWP_SIGNING_KEY (
    PURPOSE      VARCHAR(64)   NOT NULL PRIMARY KEY,
    ALGORITHM    VARCHAR(32)   NOT NULL,
    PUBLIC_KEY   VARCHAR(1024) NOT NULL,
    PRIVATE_KEY  VARCHAR(1024) NOT NULL,
    CREATED_AT   TIMESTAMP     NOT NULL
);
