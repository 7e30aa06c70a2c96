/**
 * The nodes of an installation: Karaf distributions sharing one database, each with an ID, roles ({@code api},
 * {@code host}) and a lease it renews while it runs.
 */
@Export
@Version("1.0.0")
package org.hwpersonality.api.node;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
