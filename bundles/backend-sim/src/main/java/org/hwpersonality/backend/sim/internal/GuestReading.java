package org.hwpersonality.backend.sim.internal;

import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Sha256;

/** What a guest measures on a simulated region: the loaded image, the workload it is taken to run, the figures. */
public record GuestReading(Sha256 image, String workload, PerformanceFigures figures) {}
