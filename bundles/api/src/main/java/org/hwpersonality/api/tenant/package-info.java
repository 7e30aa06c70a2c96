/** Tenants: the owners of VMs that share one installation's hardware. */
@Export
@Version("1.1.0")
package org.hwpersonality.api.tenant;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
