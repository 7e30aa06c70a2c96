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
 * refused), an hour after they were written, on a schedule from the artifacts configuration.
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
        scheduler.scheduleWithFixedDelay(this::collectQuietly, minutes, minutes, TimeUnit.MINUTES);
    }

    /** One collection: returns what was deleted. */
    public List<Sha256> collect() {
        List<Sha256> deleted = storage.blobs().collectGarbage(records.referencedBlobs(), GRACE);
        if (!deleted.isEmpty()) {
            LOG.info("Deleted " + deleted.size() + " unreferenced blobs");
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
