/**
 * What a driver package's Ed25519 signature covers and how a guest checks it:
 * {@link org.hwpersonality.artifacts.signature.DriverSignature}.
 */
@Export
@Version("1.0.0")
package org.hwpersonality.artifacts.signature;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
