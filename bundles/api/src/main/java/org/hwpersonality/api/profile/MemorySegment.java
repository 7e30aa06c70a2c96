package org.hwpersonality.api.profile;

import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/**
 * One segment of a memory map: a bank ({@code DDR}, {@code HBM}, {@code PLRAM}, {@code HOST}) mapped at a base
 * address with a size in bytes.
 */
public record MemorySegment(String name, MemoryKind kind, long baseAddress, long sizeBytes) {
    /** Memory banks an FPGA card exposes. */
    public enum MemoryKind {
        DDR,
        HBM,
        PLRAM,
        HOST
    }

    public MemorySegment {
        Checks.id("name", name);
        Checks.notNull("kind", kind);
        Checks.nonNegative("baseAddress", baseAddress);
        Checks.positive("sizeBytes", sizeBytes);
        if (baseAddress + sizeBytes < baseAddress) {
            throw new ValidationException("sizeBytes", "segment '" + name + "' runs past the 64-bit address space");
        }
    }

    /** The first address after the segment. */
    public long endAddress() {
        return baseAddress + sizeBytes;
    }
}
