/**
 * The SPI that vendor back ends implement to discover devices and program their regions (step 4). Back ends
 * register {@link org.hwpersonality.api.backend.ReconfigurationBackend} services with {@code hwp.vendor}.
 */
@Export
@Version("1.3.0")
package org.hwpersonality.api.backend;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
