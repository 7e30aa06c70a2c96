/** Errors and the value types every part of HWP shares. */
@Export
@Version("1.3.0")
package org.hwpersonality.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
