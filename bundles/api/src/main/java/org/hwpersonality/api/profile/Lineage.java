package org.hwpersonality.api.profile;

import java.util.Map;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/** Where a derived profile comes from: its parent and the tunable values that adjustment chose. */
public record Lineage(String parentId, Map<String, Double> adjustments, String reason) {
    public Lineage {
        Checks.id("parentId", parentId);
        Checks.notNull("adjustments", adjustments);
        if (adjustments.size() > PersonalityProfile.MAX_TUNABLES) {
            throw new ValidationException(
                    "adjustments", "must have at most " + PersonalityProfile.MAX_TUNABLES + " entries");
        }
        adjustments.forEach((k, v) -> {
            Checks.id("adjustments key", k);
            Checks.finite("adjustments." + k, Checks.notNull("adjustments." + k, v));
        });
        adjustments = Map.copyOf(adjustments);
        reason = Checks.optionalText("reason", reason, Checks.MAX_TEXT);
    }
}
