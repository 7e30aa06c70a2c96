/** HWP's metrics: {@link org.hwpersonality.metrics.HwpMetrics} records them and writes them for Prometheus. */
@Export
@Version("1.0.0")
package org.hwpersonality.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
