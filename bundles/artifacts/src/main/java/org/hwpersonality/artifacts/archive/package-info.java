/**
 * Reading driver-package archives (zip, tar.gz) safely, as the repository checks them on upload and the VM agent
 * unpacks them: {@link org.hwpersonality.artifacts.archive.DriverArchive}.
 */
@Export
@Version("1.0.0")
package org.hwpersonality.artifacts.archive;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
