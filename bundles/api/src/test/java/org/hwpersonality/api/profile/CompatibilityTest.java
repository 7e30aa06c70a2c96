package org.hwpersonality.api.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hwpersonality.api.Rejections.assertRejected;

import java.util.HashSet;
import java.util.Set;
import org.hwpersonality.api.Samples;
import org.junit.jupiter.api.Test;

class CompatibilityTest {
    @Test
    void interfaceIdsAreNormalized() {
        Compatibility c = new Compatibility("xilinx", "alveo-u250", Set.of("8C2E0B3A-9D4F-4E1B-8A6C-5D7E9F0A1B2C"));
        assertThat(c.interfaceIds()).containsExactly(Samples.INTERFACE_ID);
        assertThat(new Compatibility("xilinx", "alveo-u250", null).interfaceIds())
                .isEmpty();
    }

    @Test
    void acceptsMatchingDevicesOnly() {
        Compatibility c = new Compatibility("xilinx", "alveo-u250", Set.of(Samples.INTERFACE_ID));
        assertThat(c.accepts("xilinx", "alveo-u250", Samples.INTERFACE_ID)).isTrue();
        assertThat(c.accepts("xilinx", "alveo-u250", "0".repeat(32))).isFalse();
        assertThat(c.accepts("intel", "alveo-u250", Samples.INTERFACE_ID)).isFalse();
        assertThat(c.accepts("xilinx", "alveo-u280", Samples.INTERFACE_ID)).isFalse();
        assertThat(new Compatibility("xilinx", "alveo-u250", Set.of()).accepts("xilinx", "alveo-u250", "0".repeat(32)))
                .isTrue();
    }

    @Test
    void rejectsBadFields() {
        assertRejected(() -> new Compatibility("Xilinx", "f", Set.of()), "vendor", "lower-case");
        assertRejected(() -> new Compatibility("xilinx", "", Set.of()), "family", "letters");
        assertRejected(() -> new Compatibility("xilinx", "f", Set.of("not-a-uuid")), "interfaceIds", "must be a UUID");
        Set<String> many = new HashSet<>();
        for (int i = 0; i < 65; i++) {
            many.add(String.format("%032x", i));
        }
        assertRejected(() -> new Compatibility("xilinx", "f", many), "interfaceIds", "at most 64");
    }
}
