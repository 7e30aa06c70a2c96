package org.hwpersonality.repository.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.store.Backups;
import org.hwpersonality.api.store.EventLog;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Online backups of the embedded Derby database with Derby's own {@code SYSCS_UTIL.SYSCS_BACKUP_DATABASE}: a
 * consistent copy of the database folder while transactions go on (Derby blocks writes to each file while it copies
 * it). The copy is {@code DIR/derby}, a complete database that {@code bin/hwp-restore DIR} puts in place of {@code
 * data/hwp/derby} on a stopped node; {@code DIR/hwp-backup.properties} says what it is.
 */
@Component(service = Backups.class)
public final class DerbyBackups implements Backups {
    /** The folder of the copy inside the backup directory: Derby names it after the database's own folder. */
    static final String DATABASE = "derby";

    static final String MANIFEST = "hwp-backup.properties";

    private final Database database;
    private final EventLog events;

    @Activate
    public DerbyBackups(@Reference Database database, @Reference EventLog events) {
        this.database = database;
        this.events = events;
    }

    @Override
    public Path backup(Path directory, String actor) {
        if (database.postgres()) {
            throw new HwpException(
                    ErrorCode.CONFLICT,
                    "the database is PostgreSQL: back it up with pg_dump (README, Backups); hwp:backup copies the"
                            + " embedded Derby database");
        }
        if (directory == null || !directory.isAbsolute()) {
            throw new ValidationException("directory", "must be an absolute path");
        }
        Path copy = directory.resolve(DATABASE);
        if (Files.exists(copy) || Files.exists(directory.resolve(MANIFEST))) {
            throw new HwpException(ErrorCode.CONFLICT, directory + " holds a backup already: choose a new directory");
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new ValidationException("directory", "cannot be created: " + e.getMessage());
        }
        long started = System.nanoTime();
        // A transaction of its own with nothing else in it: Derby refuses a backup after unlogged work in it.
        database.inOwnJdbcTransaction(c -> {
            try (CallableStatement s = c.prepareCall("CALL SYSCS_UTIL.SYSCS_BACKUP_DATABASE(?)")) {
                s.setString(1, directory.toString());
                s.execute();
            }
            return null;
        });
        if (!Files.isDirectory(copy)) {
            throw new HwpException(ErrorCode.CONFLICT, "Derby's backup left no database at " + copy);
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("directory", directory.toString());
        details.put("schemaVersion", database.schemaVersion());
        details.put("seconds", String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
        try {
            Files.writeString(
                    directory.resolve(MANIFEST),
                    "# An HWP backup: restore it on a stopped node with bin/hwp-restore " + directory + "\n"
                            + "createdAt = " + Instant.now() + "\n"
                            + "schemaVersion = " + database.schemaVersion() + "\n"
                            + "database = " + DATABASE + "\n");
        } catch (IOException e) {
            throw new HwpException(
                    ErrorCode.CONFLICT,
                    "the backup is in " + copy + ", but " + MANIFEST + " could not be written: " + e.getMessage());
        }
        events.append(HwpEvent.topic("database", "BACKUP"), "database", actor, details);
        return copy;
    }
}
