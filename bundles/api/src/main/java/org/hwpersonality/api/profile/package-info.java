/**
 * Hardware Personality Profiles (step 1): what a personality needs and delivers, how it is programmed, the
 * guests it serves, how it may be tuned, and where it came from.
 */
@Export
@Version("1.0.0")
package org.hwpersonality.api.profile;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
