package org.hwpersonality.api.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hwpersonality.api.ValidationException;
import org.junit.jupiter.api.Test;

class PciAddressTest {
    @Test
    void readsTheFormsTheVendorToolsPrint() {
        // xbutil examine: "[0000:3b:00.1] : xilinx_u250_gen3x16_xdma_shell_4_1"
        assertThat(PciAddress.read("0000:3b:00.1")).contains(new PciAddress(0, 0x3b, 0, 1));
        // fpgainfo (OPAE 2.x) "PCIe s:b:d.f : 0000:B1:00.7", upper case
        assertThat(PciAddress.read("0000:B1:00.7")).contains(new PciAddress(0, 0xb1, 0, 7));
        // OPAE 1.x "0000:D8:00:0"
        assertThat(PciAddress.read("0000:D8:00:0")).contains(new PciAddress(0, 0xd8, 0, 0));
        // lspci without -D: domain 0
        assertThat(PciAddress.read("86:00.0")).contains(new PciAddress(0, 0x86, 0, 0));
        assertThat(PciAddress.read("0001:3B:1f.7")).contains(new PciAddress(1, 0x3b, 0x1f, 7));
        assertThat(new PciAddress(0x1a2b, 0x3b, 0x1f, 7).toString()).isEqualTo("1a2b:3b:1f.7");
    }

    @Test
    void refusesWhatIsNoAddressNamingTheField() {
        for (String bad : new String[] {"fpga0", "0000:3b:20.0", "0000:3b:00.8", "00000:3b:00.0", "3b:00", "", " "}) {
            assertThat(PciAddress.read(bad)).as(bad).isEmpty();
            assertThatThrownBy(() -> PciAddress.parse("guestFunction", bad))
                    .isInstanceOf(ValidationException.class)
                    .hasMessageStartingWith("guestFunction: must be a PCI address DDDD:BB:SS.F");
        }
        assertThatThrownBy(() -> new PciAddress(0, 256, 0, 0))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("bus");
    }

    @Test
    void functionsOfOneDeviceShareTheirSlot() {
        PciAddress pf = PciAddress.read("0000:b1:00.0").orElseThrow();
        assertThat(pf.sameSlot(pf.withFunction(7))).isTrue();
        assertThat(pf.sameSlot(new PciAddress(0, 0xb1, 1, 0))).isFalse();
    }
}
