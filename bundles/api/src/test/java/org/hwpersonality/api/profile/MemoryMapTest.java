package org.hwpersonality.api.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hwpersonality.api.Rejections.assertRejected;

import java.util.List;
import org.hwpersonality.api.profile.MemorySegment.MemoryKind;
import org.junit.jupiter.api.Test;

class MemoryMapTest {
    private static MemorySegment segment(String name, long base, long size) {
        return new MemorySegment(name, MemoryKind.DDR, base, size);
    }

    @Test
    void adjacentSegmentsAreFine() {
        MemoryMap map = new MemoryMap(List.of(segment("b", 1 << 20, 1 << 20), segment("a", 0, 1 << 20)));
        assertThat(map.totalMb()).isEqualTo(2);
        assertThat(new MemoryMap(List.of(segment("a", 0, 1))).totalMb()).isEqualTo(1);
        assertThat(new MemoryMap(null).segments()).isEmpty();
    }

    @Test
    void overlapsAndDuplicatesAreRefused() {
        assertRejected(
                () -> new MemoryMap(List.of(segment("a", 0, 4096), segment("b", 4095, 10))),
                "segments",
                "segment 'b' overlaps segment 'a'");
        assertRejected(
                () -> new MemoryMap(List.of(segment("a", 0, 1), segment("a", 10, 1))), "segments[1].name", "duplicate");
    }

    @Test
    void segmentRules() {
        assertRejected(() -> segment("a", -1, 1), "baseAddress", "zero or more");
        assertRejected(() -> segment("a", 0, 0), "sizeBytes", "greater than zero");
        assertRejected(() -> segment("a", Long.MAX_VALUE, 2), "sizeBytes", "past the 64-bit address space");
        assertRejected(() -> new MemorySegment("a", null, 0, 1), "kind", "is required");
        assertRejected(() -> segment("a b", 0, 1), "name", "letters");
    }
}
