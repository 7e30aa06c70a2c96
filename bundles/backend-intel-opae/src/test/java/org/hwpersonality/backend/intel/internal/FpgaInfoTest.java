package org.hwpersonality.backend.intel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.device.PciAddress;
import org.hwpersonality.backend.intel.internal.FpgaInfo.Fme;
import org.hwpersonality.backend.intel.internal.FpgaInfo.Port;
import org.junit.jupiter.api.Test;

class FpgaInfoTest {
    static String resource(String name) throws IOException {
        try (InputStream in = FpgaInfoTest.class.getResourceAsStream("/fpgainfo/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * A PAC N3000's {@code fpgainfo bmc} as pasted in intel/sriov-fec-operator's fpgainfo exporter test
     * (bmc-n3000.txt, OPAE 1.x layout): {@code Board Power} is the board's total, not the sum of its 12 V rails; N/A
     * sensors have no value.
     */
    @Test
    void readsBmcSensorsOfAnN3000() throws Exception {
        Map<PciAddress, List<FpgaInfo.Sensor>> cards = FpgaInfo.parseSensors(resource("bmc-n3000.txt"));

        assertThat(cards).containsOnlyKeys(PciAddress.of("0000:1b:00.0"));
        List<FpgaInfo.Sensor> sensors = cards.get(PciAddress.of("0000:1b:00.0"));
        assertThat(sensors).hasSize(20);
        assertThat(sensors.get(0)).isEqualTo(new FpgaInfo.Sensor("Board Power", Optional.of(69.24), "Watts"));
        assertThat(sensors).contains(new FpgaInfo.Sensor("QSFP0 Temperature", Optional.empty(), ""));

        org.hwpersonality.api.backend.CardReadings readings = BoardReadings.of(sensors);
        assertThat(readings.powerWatts()).contains(69.24);
        assertThat(readings.temperaturesC())
                .containsOnlyKeys(
                        "FPGA Die Temperature",
                        "Board Temperature",
                        "PKVL0 Core Temperature",
                        "PKVL0 SerDes Temperature",
                        "PKVL1 Core Temperature",
                        "PKVL1 SerDes Temperature");
        assertThat(readings.hottest().orElseThrow().getKey()).isEqualTo("FPGA Die Temperature");
    }

    /**
     * OPAE 1.1's Python fpgainfo: fme-opae1-python.txt and port-opae1-python.txt are reconstructed from its
     * {@code tools/base/fpgainfo/sysfs.py} {@code print_info} ({@code '{:22} : {}'}, separate {@code Bus},
     * {@code Device}, {@code Function} lines, property names capitalized word by word: {@code Pr Interface Id},
     * {@code Object Id}, and {@code Afu Id} for a port).
     */
    @Test
    void readsTheLayoutOfOpae1sPythonFpgainfo() throws Exception {
        List<Fme> cards = FpgaInfo.parseFme(resource("fme-opae1-python.txt"));

        assertThat(cards).hasSize(1);
        assertThat(cards.get(0).address()).isEqualTo(PciAddress.of("0000:5e:00.0"));
        assertThat(cards.get(0).deviceId()).contains(0x09C4);
        assertThat(cards.get(0).prInterfaceId()).contains("38d782e3b6125343b9342433e348ac4c");
        List<Port> ports = FpgaInfo.parsePorts(resource("port-opae1-python.txt"));
        assertThat(ports).hasSize(1);
        assertThat(ports.get(0).address()).isEqualTo(PciAddress.of("0000:5e:00.0"));
        assertThat(ports.get(0).acceleratorId()).contains("d8424dc4a4a3c413f89e433683f9040b");
    }

    /** Field names in any case ("PR Interface ID", "OBJECT ID", "pcie s:b:d.f") read the same. */
    @Test
    void readsFieldNamesInAnyCase() {
        String out = """
                //****** FME ******//
                OBJECT ID                        : 0xF000000
                pcie s:b:d.f                     : 0000:86:00.0
                DEVICE ID                        : 0xBCCE
                PR Interface ID                  : 64c39726-fe2d-52ab-981f-ff49395db6e7
                """;

        List<Fme> cards = FpgaInfo.parseFme(out);

        assertThat(cards).hasSize(1);
        assertThat(cards.get(0).address()).isEqualTo(PciAddress.of("0000:86:00.0"));
        assertThat(cards.get(0).deviceId()).contains(0xBCCE);
        assertThat(cards.get(0).prInterfaceId()).contains("64c39726fe2d52ab981fff49395db6e7");
    }

    @Test
    void parsesTwoCards() throws Exception {
        List<Fme> cards = FpgaInfo.parseFme(resource("fme-two-cards.txt"));

        assertThat(cards).hasSize(2);
        Fme a10 = cards.get(0);
        assertThat(a10.address()).isEqualTo(new PciAddress(0, 0x5e, 0, 0));
        assertThat(a10.address()).hasToString("0000:5e:00.0");
        assertThat(a10.boardName()).isEmpty();
        assertThat(a10.deviceId()).contains(0x09c4);
        assertThat(a10.prInterfaceId()).contains("38d782e3b6125343b9342433e348ac4c");
        assertThat(a10.bitstreamVersion()).contains("1.2.4");
        assertThat(a10.bootPage()).contains("user");
        Fme d5005 = cards.get(1);
        assertThat(d5005.address()).hasToString("0000:86:00.0");
        assertThat(d5005.boardName()).contains("Intel FPGA Programmable Acceleration Card D5005");
        assertThat(d5005.prInterfaceId()).contains("64c39726fe2d52ab981fff49395db6e7");
        assertThat(d5005.fields()).containsEntry("Bitstream Id", "0x4010002278FD3AA");
    }

    @Test
    void parsesTheOpae1FormatOfThePacA10() throws Exception {
        List<Fme> cards = FpgaInfo.parseFme(resource("fme-opae1-a10.txt"));

        assertThat(cards).singleElement().satisfies(c -> {
            assertThat(c.address()).hasToString("0000:d8:00.0");
            assertThat(c.boardName()).isEmpty();
            assertThat(c.prInterfaceId()).contains("38d782e3b6125343b9342433e348ac4c");
        });
    }

    @Test
    void ignoresPluginErrorsBeforeTheBlock() throws Exception {
        List<Fme> cards = FpgaInfo.parseFme(resource("fme-n6001-errors.txt"));

        assertThat(cards).singleElement().satisfies(c -> {
            assertThat(c.boardName()).contains("Intel Acceleration Development Platform N6001");
            assertThat(c.fields()).containsEntry("Interface", "DFL");
            assertThat(c.prInterfaceId()).contains("b541eb7c3c7e5678a660a54f71594b34");
        });
    }

    @Test
    void parsesPortsWithAcceleratorGuidOrId() throws Exception {
        List<Port> ports = FpgaInfo.parsePorts(resource("port-sriov.txt"));

        assertThat(ports)
                .extracting(p -> p.address().toString())
                .containsExactly("0000:b1:00.0", "0000:b1:00.7", "0000:3b:00.3");
        assertThat(ports.get(0).acceleratorId()).isEmpty();
        assertThat(ports.get(1).acceleratorId()).contains("4dadea342c7848cba3dc5b831f5cecbb");
        assertThat(ports.get(2).acceleratorId()).contains("43425ee692b24742b03abd8d4a533812");
    }

    @Test
    void parsesAddresses() {
        assertThat(PciAddress.read("0000:86:00.0")).contains(new PciAddress(0, 0x86, 0, 0));
        assertThat(PciAddress.read("0001:3B:00.7")).contains(new PciAddress(1, 0x3b, 0, 7));
        assertThat(PciAddress.read("86:00.0")).contains(new PciAddress(0, 0x86, 0, 0));
        assertThat(PciAddress.read("fpga0")).isEmpty();
    }
}
