package org.hwpersonality.api.service;

import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A part of the node that must finish its start before the node serves (the sample catalogue, whose profiles, images
 * and drivers are stored when it starts): registered as a service with {@value #PROPERTY} naming it. The management
 * service is not ready, so {@code /health} not UP, until the ones it needs are registered and none is pending.
 */
@ConsumerType
public interface StartupCheck {
    /** The service property that names the part, e.g. {@code hwp.startup=samples}. */
    String PROPERTY = "hwp.startup";

    /** What the part is still doing; empty once it is done. */
    default Optional<String> pending() {
        return Optional.empty();
    }
}
