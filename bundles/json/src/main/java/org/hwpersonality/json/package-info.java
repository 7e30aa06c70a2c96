/** The JSON and YAML form of HWP's domain objects, with errors that name the JSON path of a bad value. */
@Export
@Version("1.0.0")
package org.hwpersonality.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
