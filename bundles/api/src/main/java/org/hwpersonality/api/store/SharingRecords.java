package org.hwpersonality.api.store;

import java.util.Map;
import org.hwpersonality.api.tenant.Sharing;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Who may load which image and profile, in the database: only what an administrator restricted (or marked
 * shareable) has a record; everything else is {@link Sharing#PUBLIC}.
 */
@ProviderType
public interface SharingRecords {
    /** What is shared: an image (named by its SHA-256 in hex) or a profile (by its Personality ID). */
    enum Subject {
        IMAGE,
        PROFILE
    }

    /** Every record of {@code kind}, by subject. */
    Map<String, Sharing> all(Subject kind);

    /** Sets the sharing of a subject; {@link Sharing#PUBLIC} removes its record. Audited. */
    void set(Subject kind, String subject, Sharing sharing, String actor);
}
