package org.hwpersonality.api.allocation;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.internal.Checks;
import org.hwpersonality.api.profile.Lineage;

/**
 * One ranked answer of the matcher: a profile on a region, the figures it is expected to deliver, its score
 * (higher is better, 0..1), whether the region already holds it (no reprogramming), and why. For an adjusted
 * answer {@code adjustment} holds the lineage the derived profile will carry.
 */
public record MatchCandidate(
        String personalityId,
        String deviceId,
        String regionId,
        PerformanceFigures expected,
        double score,
        boolean reusesLoadedImage,
        Optional<Lineage> adjustment,
        List<String> reasons) {
    public MatchCandidate {
        Checks.id("personalityId", personalityId);
        Checks.id("deviceId", deviceId);
        Checks.id("regionId", regionId);
        Checks.notNull("expected", expected);
        Checks.finite("score", score);
        Checks.notNull("adjustment", adjustment);
        reasons = Checks.list("reasons", reasons, 64);
    }

    /** Whether the profile meets the request as stored, without adjustment. */
    public boolean exact() {
        return adjustment.isEmpty();
    }
}
