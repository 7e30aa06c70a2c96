package org.hwpersonality.backend.sim.internal;

import java.time.Duration;

/**
 * How long programming takes on a simulated device: a fixed setup (reset, shell handshake) plus the image pushed
 * through the configuration port at its bandwidth. The default, 800 MB/s, is an ICAP at 200 MHz × 32 bit.
 */
public record PortModel(double bandwidthBytesPerSecond, Duration setup) {
    public static final double ICAP_200MHZ_32BIT = 200e6 * 4;

    public PortModel {
        if (!(bandwidthBytesPerSecond > 0) || Double.isInfinite(bandwidthBytesPerSecond)) {
            throw new IllegalArgumentException("bandwidth must be a positive number of bytes per second");
        }
        if (setup.isNegative()) {
            throw new IllegalArgumentException("setup must not be negative");
        }
    }

    /** The time to program an image of {@code bytes}. */
    public Duration programmingTime(long bytes) {
        return setup.plusNanos(Math.round(bytes / bandwidthBytesPerSecond * 1e9));
    }
}
