/** What a VM asks for (step 2) and what it reports when asking again (step 6). */
@Export
@Version("1.2.0")
package org.hwpersonality.api.request;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
