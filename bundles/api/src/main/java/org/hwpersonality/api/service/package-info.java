/** The services HWP's bundles provide to each other and to its front ends. */
@Export
@Version("1.8.0")
package org.hwpersonality.api.service;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
