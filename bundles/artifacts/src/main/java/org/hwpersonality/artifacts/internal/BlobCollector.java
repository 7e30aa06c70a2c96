package org.hwpersonality.artifacts.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.store.ArtifactRecords;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Deletes blobs that no record refers to any more (a removed driver package, an upload whose record was
 * refused), an hour after they were written, from this node's cache and from the database, on a schedule from the
 * artifacts configuration; and once at start, stores in the database what only this node's cache holds (an upgrade
 * from the time each node kept its own blobs). Every node runs it; a blob one node deleted from the database is simply not found by the
 * next.
 */
@Component(
        immediate = true,
        service = {},
        configurationPid = ArtifactStorage.PID)
public class BlobCollector {
    static final Duration GRACE = Duration.ofHours(1);
    private static final Logger LOG = Logger.getLogger(BlobCollector.class.getName());

    private final ArtifactStorage storage;
    private final ArtifactRecords records;
    private final ScheduledExecutorService scheduler;

    @Activate
    public BlobCollector(
            @Reference ArtifactStorage storage, @Reference ArtifactRecords records, ArtifactStorage.Config config) {
        this.storage = storage;
        this.records = records;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hwp-blob-collector");
            t.setDaemon(true);
            return t;
        });
        long minutes = Math.max(1, config.gcIntervalMinutes());
        scheduler.execute(this::shareQuietly);
        scheduler.scheduleWithFixedDelay(this::collectQuietly, minutes, minutes, TimeUnit.MINUTES);
    }

    /**
     * Once at start: stores in the database the referenced blobs only this node's cache holds (stored before the
     * database kept blobs), in the background, so a large cache does not hold up the start.
     */
    public List<Sha256> share() {
        List<Sha256> shared = storage.blobs().shareCached(records.referencedBlobs());
        if (!shared.isEmpty()) {
            LOG.info("Stored " + shared.size() + " blobs that only this node's cache held in the database");
        }
        return shared;
    }

    private void shareQuietly() {
        try {
            share();
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "Storing this node's cached blobs in the database failed; it is tried at the next start",
                    e);
        }
    }

    /** One collection: returns what was deleted. */
    public SharedBlobs.Collected collect() {
        SharedBlobs.Collected deleted = storage.blobs().collectGarbage(records.referencedBlobs(), GRACE);
        if (!deleted.cached().isEmpty() || !deleted.shared().isEmpty()) {
            LOG.info("Deleted " + deleted.cached().size() + " unreferenced blobs from this node's cache and "
                    + deleted.shared().size() + " from the database");
        }
        return deleted;
    }

    private void collectQuietly() {
        try {
            collect();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Blob collection failed; it runs again at the next interval", e);
        }
    }

    @Deactivate
    void stop() {
        scheduler.shutdownNow();
    }
}
