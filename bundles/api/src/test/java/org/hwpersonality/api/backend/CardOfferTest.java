package org.hwpersonality.api.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.profile.MemoryMap;
import org.hwpersonality.api.profile.MemorySegment;
import org.hwpersonality.api.profile.MemorySegment.MemoryKind;
import org.hwpersonality.api.profile.PeripheralSetting;
import org.junit.jupiter.api.Test;

class CardOfferTest {
    static final long GIB = 1L << 30;
    /** An Alveo U55C: 16 GiB of HBM2, two QSFP28 cages. */
    static final CardOffer U55C = new CardOffer(Map.of(MemoryKind.HBM, 16_384L), Optional.of(Set.of("qsfp0", "qsfp1")));

    @Test
    void honoursWhatTheCardHas() {
        MemoryMap hbm = new MemoryMap(List.of(
                new MemorySegment("hbm0", MemoryKind.HBM, 0, 8 * GIB),
                new MemorySegment("hbm1", MemoryKind.HBM, 8 * GIB, 8 * GIB),
                new MemorySegment("host", MemoryKind.HOST, 16 * GIB, GIB),
                new MemorySegment("plram", MemoryKind.PLRAM, 17 * GIB, 1 << 20)));

        U55C.check(hbm, List.of(new PeripheralSetting("qsfp1", Map.of("speed", "100G"))), "d");
        CardOffer.UNKNOWN.check(
                new MemoryMap(List.of(new MemorySegment("x", MemoryKind.DDR, 0, 1024 * GIB))),
                List.of(new PeripheralSetting("qsfp9", Map.of())),
                "d");
    }

    @Test
    void refusesWhatItLacksNamingIt() {
        MemoryMap ddr = new MemoryMap(List.of(new MemorySegment("ddr0", MemoryKind.DDR, 0, GIB)));
        assertThatThrownBy(() -> U55C.check(ddr, List.of(), "itest:sim-u55c-0"))
                .isInstanceOf(BackendException.class)
                .hasMessage("memory segment 'ddr0' is DDR but device itest:sim-u55c-0 has HBM 16384 MiB")
                .extracting(e -> ((BackendException) e).kind())
                .isEqualTo(BackendException.Kind.INCOMPATIBLE);

        MemoryMap big = new MemoryMap(List.of(
                new MemorySegment("hbm0", MemoryKind.HBM, 0, 16 * GIB),
                new MemorySegment("hbm1", MemoryKind.HBM, 16 * GIB, 1)));
        assertThatThrownBy(() -> U55C.check(big, List.of(), "d"))
                .hasMessage("the memory map needs 16385 MiB of HBM but device d has 16384 MiB");

        assertThatThrownBy(() -> U55C.check(MemoryMap.EMPTY, List.of(new PeripheralSetting("qsfp2", Map.of())), "d"))
                .hasMessage("peripheral 'qsfp2' is not on device d, which has qsfp0, qsfp1");
        assertThatThrownBy(() -> new CardOffer(Map.of(), Optional.of(Set.of()))
                        .check(null, List.of(new PeripheralSetting("qsfp0", Map.of())), "f1"))
                .hasMessage("peripheral 'qsfp0' is not on device f1, which has none");
    }

    @Test
    void parsesTheConfigurationForm() {
        assertThat(CardOffer.parseMemory("memory", "DDR=65536, hbm=8192", 1))
                .isEqualTo(Map.of(MemoryKind.DDR, 65_536L, MemoryKind.HBM, 8_192L));
        assertThat(CardOffer.parseMemory("memory", "HBM", 16_384)).isEqualTo(Map.of(MemoryKind.HBM, 16_384L));
        assertThat(CardOffer.parseMemory("memory", " ", 1)).isEmpty();
        assertThatThrownBy(() -> CardOffer.parseMemory("memoryKinds", "SRAM=4", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("memoryKinds: 'SRAM=4' is not KIND or KIND=MiB");
        assertThatThrownBy(() -> CardOffer.parseMemory("memoryKinds", "DDR=-1", 1))
                .hasMessageStartingWith("memoryKinds: 'DDR=-1'");
    }

    @Test
    void parsesThePeripheralsForm() {
        assertThat(CardOffer.parsePeripherals(" * ")).isEmpty();
        assertThat(CardOffer.parsePeripherals("qsfp0, qsfp1,")).contains(Set.of("qsfp0", "qsfp1"));
        assertThat(CardOffer.parsePeripherals("")).contains(Set.of());
    }
}
