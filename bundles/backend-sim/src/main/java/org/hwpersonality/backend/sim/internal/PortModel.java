package org.hwpersonality.backend.sim.internal;

import java.time.Duration;

/**
 * How long programming takes on a simulated device: a fixed setup (reset, shell handshake) plus the image pushed
 * through the configuration port at its bandwidth. The default, 800 MB/s, is an ICAP at 200 MHz × 32 bit. A clear
 * takes the setup plus the card memory the cleared designs mapped, overwritten at {@code wipeBytesPerSecond} (20 GB/s
 * by default: the order of a DDR4 card's sustained write rate).
 */
public record PortModel(double bandwidthBytesPerSecond, Duration setup, double wipeBytesPerSecond) {
    public static final double ICAP_200MHZ_32BIT = 200e6 * 4;
    public static final double DDR4_WIPE = 20e9;

    public PortModel {
        if (!(bandwidthBytesPerSecond > 0) || Double.isInfinite(bandwidthBytesPerSecond)) {
            throw new IllegalArgumentException("bandwidth must be a positive number of bytes per second");
        }
        if (setup.isNegative()) {
            throw new IllegalArgumentException("setup must not be negative");
        }
        if (!(wipeBytesPerSecond > 0) || Double.isInfinite(wipeBytesPerSecond)) {
            throw new IllegalArgumentException("wipe bandwidth must be a positive number of bytes per second");
        }
    }

    /** A port whose clears wipe memory at {@link #DDR4_WIPE}. */
    public PortModel(double bandwidthBytesPerSecond, Duration setup) {
        this(bandwidthBytesPerSecond, setup, DDR4_WIPE);
    }

    /** The time to clear a region whose designs mapped {@code memoryBytes} of card memory. */
    public Duration clearingTime(long memoryBytes) {
        return setup.plusNanos(Math.round(memoryBytes / wipeBytesPerSecond * 1e9));
    }

    /** The time to program an image of {@code bytes}. */
    public Duration programmingTime(long bytes) {
        return setup.plusNanos(Math.round(bytes / bandwidthBytesPerSecond * 1e9));
    }
}
