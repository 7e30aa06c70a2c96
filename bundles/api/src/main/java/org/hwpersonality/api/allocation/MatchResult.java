package org.hwpersonality.api.allocation;

import java.util.List;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/**
 * The matcher's answer: the outcome, the candidates best first (empty when refused), and for a refusal the reasons
 * the nearest rejected candidates failed, so that it explains itself (a found match carries none).
 */
public record MatchResult(MatchOutcome outcome, List<MatchCandidate> candidates, List<String> refusals) {
    public MatchResult {
        Checks.notNull("outcome", outcome);
        candidates = Checks.list("candidates", candidates, 10_000);
        refusals = Checks.list("refusals", refusals, 1_000);
        boolean found = outcome == MatchOutcome.EXACT || outcome == MatchOutcome.ADJUSTED;
        if (found == candidates.isEmpty()) {
            throw new ValidationException(
                    "candidates", found ? "must not be empty for " + outcome : "must be empty for " + outcome);
        }
    }

    public static MatchResult refused(MatchOutcome outcome, List<String> refusals) {
        return new MatchResult(outcome, List.of(), refusals);
    }
}
