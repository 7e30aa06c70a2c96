package org.hwpersonality.artifacts.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.store.BlobRecords;

/**
 * The installation's blobs as one node uses them: the database holds every blob ({@link BlobRecords}), shared by
 * all nodes, and this node's {@link BlobStore} is its cache. A blob is stored in both before its metadata record is
 * written, so any node can serve what any node stored; a blob missing from the cache is copied from the database
 * through the cache's own write path (temporary file, SHA-256 checked against the name, fsync, atomic rename), and
 * refused if its bytes are not the named blob's.
 */
public final class SharedBlobs {
    /** What {@link #collectGarbage} deleted: from this node's cache and from the database. */
    public record Collected(List<Sha256> cached, List<Sha256> shared) {}

    static final String SOURCE = "the database";

    private final BlobStore cache;
    private final BlobRecords records;
    /** One fetch at a time per blob (striped), so concurrent readers of a missing blob copy it once. */
    private final Object[] fetchLocks = new Object[64];

    public SharedBlobs(BlobStore cache, BlobRecords records) {
        this.cache = cache;
        this.records = records;
        for (int i = 0; i < fetchLocks.length; i++) {
            fetchLocks[i] = new Object();
        }
    }

    /** This node's cache. */
    public BlobStore cache() {
        return cache;
    }

    /**
     * Stores {@code content} in the cache (after {@code check}, as {@link BlobStore#put}), then in the database if it
     * is not there yet. {@code created} says whether the cache had it before.
     */
    public BlobStore.Stored put(InputStream content, long maxBytes, BlobStore.Check check) {
        BlobStore.Stored stored = cache.put(content, maxBytes, check);
        try (InputStream in = cache.open(stored.sha256())) {
            records.put(stored.sha256(), in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stored;
    }

    /** Whether the blob is in the cache or in the database. */
    public boolean exists(Sha256 sha) {
        return cache.exists(sha) || records.exists(sha);
    }

    /**
     * The cached file of the blob, copied from the database first if the cache lacks it.
     *
     * @throws org.hwpersonality.api.HwpException NOT_FOUND if neither has it
     * @throws BlobDigestException if the database's copy is not the blob's content
     */
    public Path path(Sha256 sha) {
        fetch(sha);
        return cache.path(sha);
    }

    /** The blob's bytes, from the cache (copied from the database first if the cache lacks it). */
    public InputStream open(Sha256 sha) {
        fetch(sha);
        return cache.open(sha);
    }

    private void fetch(Sha256 sha) {
        if (cache.exists(sha)) {
            return;
        }
        synchronized (fetchLocks[Math.floorMod(sha.hashCode(), fetchLocks.length)]) {
            if (cache.exists(sha)) {
                return;
            }
            try (InputStream in = records.open(sha)) {
                cache.putCopy(in, sha, SOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Stores in the database every blob of {@code referenced} that only this node's cache holds: what a node stored
     * before blobs were kept in the database, so that, after an upgrade, every node can serve it. Returns those
     * stored now.
     */
    public List<Sha256> shareCached(Set<Sha256> referenced) {
        List<Sha256> shared = new ArrayList<>();
        for (Sha256 sha : referenced) {
            if (cache.exists(sha) && !records.exists(sha)) {
                try (InputStream in = cache.open(sha)) {
                    if (records.put(sha, in)) {
                        shared.add(sha);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return shared;
    }

    /** Removes the blob from this node's cache; the database's copy is left to {@link #collectGarbage}. */
    public void deleteCached(Sha256 sha) {
        cache.delete(sha);
    }

    /**
     * Deletes every blob not in {@code keep} stored (or stored again) longer than {@code grace} ago, from the cache
     * and from the database.
     */
    public Collected collectGarbage(Set<Sha256> keep, Duration grace) {
        List<Sha256> cached = cache.collectGarbage(keep, grace);
        Instant cutoff = Instant.now().minus(grace);
        List<Sha256> shared = new ArrayList<>();
        for (Sha256 sha : records.storedBefore(cutoff)) {
            if (!keep.contains(sha) && records.delete(sha, cutoff)) {
                shared.add(sha);
            }
        }
        return new Collected(cached, shared);
    }
}
