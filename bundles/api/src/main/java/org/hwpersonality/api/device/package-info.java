/** FPGA devices and their reconfigurable regions, as the management service persists them (step 4). */
@Export
@Version("1.3.0")
package org.hwpersonality.api.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
