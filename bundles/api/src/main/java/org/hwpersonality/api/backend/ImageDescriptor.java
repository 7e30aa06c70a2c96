package org.hwpersonality.api.backend;

import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.api.internal.Checks;

/**
 * What a back end read from an image's header: its format, the interface (shell) ID it was built for, its
 * own UUID, its size and any clocks it declares (MHz by name).
 */
public record ImageDescriptor(
        ImageFormat format,
        Optional<String> interfaceId,
        Optional<String> imageUuid,
        long sizeBytes,
        Map<String, Double> clocksMhz) {
    public ImageDescriptor {
        Checks.notNull("format", format);
        interfaceId = Checks.notNull("interfaceId", interfaceId).map(i -> Checks.interfaceId("interfaceId", i));
        imageUuid = Checks.notNull("imageUuid", imageUuid).map(i -> Checks.interfaceId("imageUuid", i));
        Checks.positive("sizeBytes", sizeBytes);
        Checks.notNull("clocksMhz", clocksMhz);
        clocksMhz.forEach((k, v) -> Checks.positive("clocksMhz." + k, Checks.notNull("clocksMhz." + k, v)));
        clocksMhz = Map.copyOf(clocksMhz);
    }
}
