package org.hwpersonality.api.store;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.hwpersonality.api.Sha256;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The bytes of stored artifacts (programming images, driver-package archives) in the database, shared by every
 * node of an installation: each blob is named by the SHA-256 of its content and kept in chunks of about 1 MiB.
 * A node keeps its own copies in a local cache and fetches from here what it lacks; nothing here holds a whole
 * blob in memory. Metadata records (see {@link ArtifactRecords}) are written only after the blob is stored.
 */
@ProviderType
public interface BlobRecords {
    /**
     * Stores {@code content} as the blob {@code sha256}, every chunk in one transaction, so that a blob is either
     * wholly visible or absent. If the blob is already stored, nothing is written but its storage time, which
     * keeps it from the collector for another grace period, and {@code content} is not read. Returns whether it
     * was stored now.
     *
     * @throws org.hwpersonality.api.ValidationException if the content is empty or its SHA-256 is not
     *     {@code sha256} (nothing is stored)
     */
    boolean put(Sha256 sha256, InputStream content);

    /** Whether the blob is stored. */
    boolean exists(Sha256 sha256);

    /** The size in bytes of the stored blob, or -1 if it is not stored. */
    long size(Sha256 sha256);

    /**
     * The stored bytes, read chunk by chunk as the stream is consumed. The caller checks the SHA-256 of what it
     * read: this is what the database holds, not a promise.
     *
     * @throws org.hwpersonality.api.HwpException NOT_FOUND if the blob is not stored
     */
    InputStream open(Sha256 sha256);

    /**
     * Deletes the blob if it was stored (or stored again) before {@code storedBefore}; a younger one may belong to an
     * upload whose record is being written and is kept. Returns whether it was deleted.
     */
    boolean delete(Sha256 sha256, Instant storedBefore);

    /** The blobs stored (or stored again) before {@code storedBefore}: the candidates of a garbage collection. */
    List<Sha256> storedBefore(Instant storedBefore);
}
