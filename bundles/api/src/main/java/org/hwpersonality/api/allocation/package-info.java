/** Allocations of regions to VMs, and how a match was decided (steps 3 to 5). */
@Export
@Version("1.2.0")
package org.hwpersonality.api.allocation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
