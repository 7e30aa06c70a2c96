package org.hwpersonality.api.store;

import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Online backups of the installation's database, which holds everything HWP keeps: profiles, devices, allocations,
 * VMs, events, images, driver packages and the signing key.
 */
@ProviderType
public interface Backups {
    /**
     * Writes a consistent copy of the embedded database into {@code directory} (created if absent; it must not hold a
     * backup already) while HWP keeps serving, and returns the folder to restore from. A CONFLICT naming the way to
     * back it up when the database is not the embedded one (PostgreSQL: {@code pg_dump}).
     */
    Path backup(Path directory, String actor);
}
