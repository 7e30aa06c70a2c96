/** Audit events: every state change is a row in the database and an OSGi Event under {@code org/hwpersonality/}. */
@Export
@Version("1.0.0")
package org.hwpersonality.api.event;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
