/**
 * What VMs measured on their personalities, and what the fleet learned from it: every report ({@link
 * org.hwpersonality.api.outcome.Outcome}) and, per personality, device family and workload, the figures its reports
 * show ({@link org.hwpersonality.api.outcome.LearnedFigures}).
 */
@Export
@Version("1.0.0")
package org.hwpersonality.api.outcome;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
