package org.hwpersonality.management.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.outcome.LearnedFigures;
import org.hwpersonality.api.outcome.Outcome;
import org.hwpersonality.api.service.MatchIndex;
import org.hwpersonality.api.store.EventLog;
import org.hwpersonality.api.store.OutcomeRecords;

/**
 * What the fleet learns from VMs' reports: each report is stored with its personality's learned figures; from
 * {@code minSamples} reports of at least {@value #MIN_VMS} VMs on, the match index ranks the personality by them (every node reloads them every
 * {@value #RELOAD_SECONDS} s, this node at once); a personality whose medians fall short of {@code flagRatio} × its
 * promise on reports of at least {@value #MIN_VMS} VMs is flagged for administrators (an event, once, by the node
 * whose report crossed the line); a personality that under-delivered on a VM is left out of that VM's
 * re-personalizations for {@code exclusion}; reports older than {@code retention} are deleted.
 */
final class Learning {
    static final int RELOAD_SECONDS = 30;
    static final int MIN_VMS = 2;
    static final String FLAGGED = "UNDERPERFORMING";
    static final String UNFLAGGED = "PERFORMING";

    private static final Logger LOG = Logger.getLogger(Learning.class.getName());

    /** The settings (Management's configuration). */
    record Policy(Duration exclusion, Duration retention, int minSamples, double flagRatio) {}

    private final OutcomeRecords outcomes;
    private final EventLog eventLog;
    private final MatchIndex index;
    private final Policy settings;
    /** The learned figures the index ranks by, by personality, family and workload. */
    private final Map<List<String>, LearnedFigures> trusted = new HashMap<>();

    Learning(OutcomeRecords outcomes, EventLog eventLog, MatchIndex index, Policy settings) {
        this.outcomes = outcomes;
        this.eventLog = eventLog;
        this.index = index;
        this.settings = settings;
    }

    int minSamples() {
        return settings.minSamples();
    }

    /**
     * Stores a report on a personality that promised {@code promised} for its workload; flags or unflags it, and
     * ranks it by what it learned once there are enough reports.
     */
    LearnedFigures record(Outcome o, PerformanceFigures promised, String actor) {
        LearnedFigures learned = outcomes.record(o);
        Optional<String> short_ = trusted(learned) ? learned.shortOf(promised, settings.flagRatio()) : Optional.empty();
        // The row just written says whether it is flagged: a write only when that changes (flag() lets one node win).
        if (short_.isPresent() != learned.flaggedAt().isPresent()
                && outcomes.flag(o.personalityId(), o.family(), o.workload(), short_.isPresent())) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("family", o.family());
            details.put("workload", o.workload());
            details.put("samples", String.valueOf(learned.samples()));
            details.put("vms", String.valueOf(learned.vms()));
            details.put(
                    "why",
                    short_.orElse("the medians are back within " + PerformanceFigures.format(settings.flagRatio())
                            + " × the promise"));
            eventLog.append(
                    HwpEvent.topic("profile", short_.isPresent() ? FLAGGED : UNFLAGGED),
                    o.personalityId(),
                    actor,
                    details);
        }
        if (trusted(learned)) {
            synchronized (trusted) {
                trusted.put(List.of(o.personalityId(), o.family(), o.workload()), learned);
                index.putLearned(List.copyOf(trusted.values()));
            }
        }
        return learned;
    }

    /**
     * The personalities that under-delivered for {@code workload} on {@code vmId} within the exclusion time (one that
     * fell short on another workload may still serve this one).
     */
    Set<String> excludedFor(String vmId, String workload) {
        return settings.exclusion().isZero()
                ? Set.of()
                : outcomes.underDelivered(vmId, workload, Instant.now().minus(settings.exclusion()));
    }

    /** Enough reports, from enough VMs: one VM alone never changes the ranking nor raises a flag. */
    private boolean trusted(LearnedFigures l) {
        return l.samples() >= settings.minSamples() && l.vms() >= MIN_VMS;
    }

    List<LearnedFigures> flagged() {
        return outcomes.flagged();
    }

    List<LearnedFigures> learned(String personalityId) {
        return outcomes.learned(personalityId);
    }

    /** Reloads what every node learned (and what a purge forgot) into the index. */
    void reload() {
        List<LearnedFigures> all = outcomes.learned(settings.minSamples()).stream()
                .filter(this::trusted)
                .toList();
        synchronized (trusted) {
            trusted.clear();
            all.forEach(l -> trusted.put(List.of(l.personalityId(), l.family(), l.workload()), l));
            index.putLearned(all);
        }
    }

    /** Deletes the reports past retention. */
    void purge() {
        int gone = outcomes.purgeBefore(Instant.now().minus(settings.retention()));
        if (gone > 0) {
            LOG.info("Deleted " + gone + " reports older than "
                    + settings.retention().toDays() + " days");
            reload();
        }
    }

    void reloadQuietly() {
        try {
            purge();
            reload();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "learned figures not reloaded; again in " + RELOAD_SECONDS + " s", e);
        }
    }
}
