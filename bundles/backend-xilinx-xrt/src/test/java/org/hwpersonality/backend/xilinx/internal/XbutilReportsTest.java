package org.hwpersonality.backend.xilinx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class XbutilReportsTest {
    static String resource(String name) {
        try (InputStream in = XbutilReportsTest.class.getResourceAsStream("/xbutil/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readsTheHostReportsDeviceTable() {
        var devices = XbutilReports.parseHost(resource("host.json"));

        assertThat(devices)
                .containsExactly(
                        new XbutilReports.HostDevice("0000:3b:00.1", "xilinx_u250_gen3x16_xdma_shell_4_1", true),
                        new XbutilReports.HostDevice("0000:d8:00.1", "xilinx_u55c_gen3x16_xdma_base_3", true));
    }

    @Test
    void hostReportWithoutDevicesAndNotReadyCards() {
        String none = "{\"schema_version\":{\"schema\":\"JSON\"},\"system\":{\"host\":{\"devices\":\"\"}}}";
        assertThat(XbutilReports.parseHost(none)).isEmpty();
        String notReady = "{\"system\":{\"host\":{\"devices\":[{\"bdf\":\"3B:00.1\",\"vbnv\":\"x\\/y\","
                + "\"is_ready\":\"false\"}]}}}";
        assertThat(XbutilReports.parseHost(notReady))
                .containsExactly(new XbutilReports.HostDevice("0000:3b:00.1", "x/y", false));
    }

    @Test
    void readsPlatformAndDynamicRegionsOfOneCard() {
        String json =
                resource("device-0000_3b_00.1.json").replace("@XCLBIN_UUID@", "54754387-411C-4C16-8265-245B0241D0A2");

        var card = XbutilReports.parseCard(json, "0000:3B:00.1");

        assertThat(card.bdf()).isEqualTo("0000:3b:00.1");
        assertThat(card.vbnv()).isEqualTo("xilinx_u250_gen3x16_xdma_shell_4_1");
        assertThat(card.interfaceUuid()).isEmpty();
        assertThat(card.logicUuid()).contains("8f4a5e3c1b2d4e6f9a0bc1d2e3f40516");
        assertThat(card.shellInterfaceId()).contains("8f4a5e3c1b2d4e6f9a0bc1d2e3f40516");
        assertThat(card.xclbinUuid()).contains("54754387411c4c168265245b0241d0a2");
        assertThat(card.deviceStatus()).contains("HEALTHY");
    }

    @Test
    void allZeroXclbinUuidMeansNothingLoaded() {
        String json =
                resource("device-0000_3b_00.1.json").replace("@XCLBIN_UUID@", "00000000-0000-0000-0000-000000000000");
        assertThat(XbutilReports.parseCard(json, "0000:3b:00.1").xclbinUuid()).isEmpty();
    }

    @Test
    void prefersTheInterfaceUuidOfXrt211AndReadsA1RpTimestamp() {
        String xrt211 = "{\"devices\":[{\"interface_type\":\"pcie\",\"device_id\":\"0000:65:00.1\",\"platforms\":[{"
                + "\"static_region\":{\"vbnv\":\"xilinx_u50_gen3x16_xdma_201920_3\","
                + "\"interface_uuid\":\"EAAE3FB8-B262-B65B-21FE-C0676792EBFC\",\"logic_uuid\":\"0x1\"}}],"
                + "\"dynamic_regions\":[{\"xclbin_uuid\":\"N\\/A\"}]}]}";
        var card = XbutilReports.parseCard(xrt211, "65:00.1");
        assertThat(card.shellInterfaceId()).contains("eaae3fb8b262b65b21fec0676792ebfc");
        assertThat(card.xclbinUuid()).isEmpty();

        String oneRp = "{\"devices\":[{\"device_id\":\"0000:65:00.1\",\"platforms\":[{\"static_region\":{"
                + "\"vbnv\":\"xilinx_u200_xdma_201830_2\",\"logic_uuid\":\"0x5d1211e8\"}}]}]}";
        assertThat(XbutilReports.parseCard(oneRp, "0000:65:00.1").shellInterfaceId())
                .contains("000000000000000000000000" + "5d1211e8");
    }

    @Test
    void uuidForms() {
        assertThat(XbutilReports.uuid("6250EC80-3F38-4BE0-AC90-68BFD3C140A8"))
                .contains("6250ec803f384be0ac9068bfd3c140a8");
        assertThat(XbutilReports.uuid("N/A")).isEmpty();
        assertThat(XbutilReports.uuid("")).isEqualTo(Optional.empty());
    }

    @Test
    void refusesMalformedReportsAndOtherDevices() {
        assertThatThrownBy(() -> XbutilReports.parseHost("{\"system\": {"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> XbutilReports.parseHost("{\"devices\": []}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("system.host");
        String json = resource("device-0000_3b_00.1.json");
        assertThatThrownBy(() -> XbutilReports.parseCard(json, "0000:af:00.1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0000:af:00.1");
    }
}
