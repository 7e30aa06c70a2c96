/** Programming images (bitstreams) and driver packages, stored by SHA-256 (step 5). */
@Export
@Version("1.0.0")
package org.hwpersonality.api.artifact;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
