package org.hwpersonality.api.profile;

import java.util.Comparator;
import java.util.List;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/** The device-memory layout of a personality: named, non-overlapping segments. */
public record MemoryMap(List<MemorySegment> segments) {
    public static final MemoryMap EMPTY = new MemoryMap(List.of());

    public MemoryMap {
        segments = Checks.list("segments", segments, 256);
        Checks.unique("segments", segments, MemorySegment::name, "name");
        List<MemorySegment> sorted = segments.stream()
                .sorted(Comparator.comparingLong(MemorySegment::baseAddress))
                .toList();
        for (int i = 1; i < sorted.size(); i++) {
            MemorySegment previous = sorted.get(i - 1);
            MemorySegment current = sorted.get(i);
            if (Long.compareUnsigned(previous.endAddress(), current.baseAddress()) > 0) {
                throw new ValidationException(
                        "segments", "segment '" + current.name() + "' overlaps segment '" + previous.name() + "'");
            }
        }
    }

    /** The mapped size in MiB, rounded up. */
    public long totalMb() {
        long bytes = segments.stream().mapToLong(MemorySegment::sizeBytes).sum();
        return (bytes + (1L << 20) - 1) >> 20;
    }
}
