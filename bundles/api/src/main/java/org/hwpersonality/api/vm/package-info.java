/** Virtual machines known to HWP, the only clients that request personalities for themselves. */
@Export
@Version("1.2.0")
package org.hwpersonality.api.vm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
