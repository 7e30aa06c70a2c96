/**
 * Persistence services that HWP's own bundles share: artifacts, devices, VMs, allocations and the audit trail.
 * Front ends use the services of {@code org.hwpersonality.api.service} instead.
 */
@Export
@Version("1.9.0")
package org.hwpersonality.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
