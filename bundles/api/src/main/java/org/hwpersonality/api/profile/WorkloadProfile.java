package org.hwpersonality.api.profile;

import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.internal.Checks;

/** One workload a profile serves ({@code ml-inference}, {@code video-transcode}…) and what it delivers for it. */
public record WorkloadProfile(String workload, PerformanceFigures performance) {
    public WorkloadProfile {
        Checks.name("workload", workload);
        Checks.notNull("performance", performance);
    }
}
