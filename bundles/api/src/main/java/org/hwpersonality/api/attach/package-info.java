/**
 * Attachment SPI: how the function a guest uses to reach a region is given to a running VM and taken back, one
 * implementation bundle per hypervisor (libvirt first), hot-deployable like the vendor back ends.
 */
@Export
@Version("1.0.0")
package org.hwpersonality.api.attach;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
