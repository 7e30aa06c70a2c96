package org.hwpersonality.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.vm.VirtualMachine;
import org.hwpersonality.api.vm.VmLocation;
import org.junit.jupiter.api.Test;

/**
 * A VM's location is written as its own {@code host} and {@code domain} fields, the names registration takes; a
 * region's guest function as the address string the vendor tools print.
 */
class VmJsonTest {
    private final ObjectMapper json = HwpJson.newJsonMapper();
    private final VirtualMachine vm = new VirtualMachine(
            "vm-1", "web-1", OsInfo.of("linux", "5.15.0"), false, Instant.parse("2026-12-06T00:00:00Z"));

    @Test
    void hostAndDomainAreFieldsOfTheVm() {
        JsonNode written = json.valueToTree(vm.movedTo(VmLocation.of("fpga-host-7", "instance-0000002a")));

        assertThat(written.path("host").asText()).isEqualTo("fpga-host-7");
        assertThat(written.path("domain").asText()).isEqualTo("instance-0000002a");
        assertThat(written.has("location")).isFalse();
        assertThat(written.path("id").asText()).isEqualTo("vm-1");
    }

    @Test
    void aVmRunningNowhereInParticularHasNeither() {
        JsonNode written = json.valueToTree(vm);

        assertThat(written.has("host")).isFalse();
        assertThat(written.has("domain")).isFalse();
        assertThat(written.has("location")).isFalse();
    }

    @Test
    void aGuestFunctionIsWrittenAndReadAsItsAddress() throws Exception {
        org.hwpersonality.api.device.Region region = new org.hwpersonality.api.device.Region(
                "0",
                org.hwpersonality.api.device.RegionKind.PARTIAL,
                new org.hwpersonality.api.Resources(1, 1, 1, 1, 1),
                org.hwpersonality.api.device.RegionState.FREE,
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                java.util.Optional.of(new org.hwpersonality.api.device.PciAddress(0, 0x3b, 0, 1)));
        JsonNode written = json.valueToTree(region);
        assertThat(written.path("guestFunction").asText()).isEqualTo("0000:3b:00.1");
        assertThat(json.treeToValue(written, org.hwpersonality.api.device.Region.class))
                .isEqualTo(region);
    }
}
