package org.hwpersonality.api.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.outcome.LearnedFigures;
import org.hwpersonality.api.outcome.Outcome;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The outcome history in the database: every report of a VM, and the figures learned from them per personality,
 * device family and workload (recomputed from the latest {@value #WINDOW} reports of that key at each report).
 */
@ProviderType
public interface OutcomeRecords {
    /** The reports the learned figures of one key are computed from, at most. */
    int WINDOW = 1000;

    /** Stores a report and recomputes its key's learned figures; returns them. */
    LearnedFigures record(Outcome outcome);

    /** The learned figures of a personality, one per family and workload it was reported on. */
    List<LearnedFigures> learned(String personalityId);

    /** Every key's learned figures with at least {@code minSamples} reports. */
    List<LearnedFigures> learned(int minSamples);

    /** The keys flagged now (their medians well short of the promise), by personality. */
    List<LearnedFigures> flagged();

    /** The personalities {@code vmId} reported as under-delivering for {@code workload} since {@code since}. */
    Set<String> underDelivered(String vmId, String workload, Instant since);

    /**
     * Marks a key flagged (its medians fall well short of the promise) or clears the mark; true when this call changed
     * it, so that exactly one node reports the change.
     */
    boolean flag(String personalityId, String family, String workload, boolean flagged);

    /** Deletes the reports observed before {@code cutoff} and recomputes the keys they belonged to; how many went. */
    int purgeBefore(Instant cutoff);

    /** The newest reports of a VM, newest first. */
    List<Outcome> ofVm(String vmId, int limit);

    /** One key's learned figures, if any report was stored for it. */
    Optional<LearnedFigures> learned(String personalityId, String family, String workload);
}
