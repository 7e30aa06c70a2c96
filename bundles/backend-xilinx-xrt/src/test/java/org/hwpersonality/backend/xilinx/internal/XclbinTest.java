package org.hwpersonality.backend.xilinx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.hwpersonality.api.backend.BackendException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XclbinTest {
    private static final String IFACE = "eaae3fb8b262b65b21fec0676792ebfc";
    private static final String UUID = "e253e5f9490d61861a0782f8aff27691";

    @TempDir
    Path dir;

    @Test
    void readsTheHeaderItWrote() throws IOException {
        XclbinWriter writer = new XclbinWriter().uuid(UUID).interfaceUuid(IFACE).typical();
        Path file = writer.write(dir.resolve("a.xclbin"));

        Xclbin x = Xclbin.read(file);

        assertThat(x.uuid()).isEqualTo(UUID);
        assertThat(x.interfaceUuid()).contains(IFACE);
        assertThat(x.platformVbnv()).isEqualTo("xilinx_u250_gen3x16_xdma_shell_4_1");
        assertThat(x.length()).isEqualTo(Files.size(file));
        assertThat(x.numSections()).isEqualTo(2);
        assertThat(x.mode()).isEqualTo(1);
        assertThat(x.clocksMhz()).isEqualTo(Map.of("DATA_CLK", 300.0, "KERNEL_CLK", 500.0));
    }

    /**
     * A 2RP xclbin names its interfaces in PARTITION_METADATA (kind 20), which wins over the header's UUID at offset
     * 336; without it the header UUID counts, and without both a 1RP xclbin's feature-ROM time stamp. The interface
     * is the one of nqdtan/vck5000_vivado_ulp xclbin_generator/partition_metadata.json.
     */
    @Test
    void requiredInterfacesFollowTheDriversOrder() throws IOException {
        byte[] metadata = FdtWriter.dtb(FdtWriter.node("")
                .child(FdtWriter.node("schema_version").prop("major", "0x1").prop("minor", "0x0"))
                .child(FdtWriter.node("interfaces").child(FdtWriter.node("").prop("interface_uuid", IFACE))));
        Path twoRp = new XclbinWriter()
                .uuid(UUID)
                .interfaceUuid("11111111111111111111111111111111")
                .typical()
                .section(PartitionMetadata.SECTION_KIND, "partition_metada", metadata)
                .write(dir.resolve("2rp.xclbin"));
        Xclbin x = Xclbin.read(twoRp);
        assertThat(x.partitionMetadata()).isPresent();
        assertThat(x.requiredInterfaces()).containsExactly(IFACE);

        Path header =
                new XclbinWriter().uuid(UUID).interfaceUuid(IFACE).typical().write(dir.resolve("h.xclbin"));
        assertThat(Xclbin.read(header).requiredInterfaces()).containsExactly(IFACE);

        Path oneRp = new XclbinWriter()
                .uuid(UUID)
                .featureRomTimeStamp(0x5d1211e8L)
                .typical()
                .write(dir.resolve("1.xclbin"));
        assertThat(Xclbin.read(oneRp).requiredInterfaces()).containsExactly("000000000000000000000000" + "5d1211e8");

        Path none = new XclbinWriter().uuid(UUID).typical().write(dir.resolve("n.xclbin"));
        assertThat(Xclbin.read(none).requiredInterfaces()).isEmpty();

        byte[] broken = metadata.clone();
        broken[0] = 0;
        Path bad = new XclbinWriter()
                .uuid(UUID)
                .typical()
                .section(PartitionMetadata.SECTION_KIND, "partition_metada", broken)
                .write(dir.resolve("bad.xclbin"));
        assertThatThrownBy(() -> Xclbin.read(bad))
                .isInstanceOfSatisfying(
                        BackendException.class,
                        e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.CORRUPT_IMAGE))
                .hasMessageContaining("PARTITION_METADATA section that is not a flattened device tree");
    }

    @Test
    void layoutMatchesStructAxlfOffsets() {
        byte[] bytes =
                new XclbinWriter().uuid(UUID).interfaceUuid(IFACE).typical().bytes();
        // magic at 0, interface uuid at 336, vbnv at 352, uuid at 416, section table at 456 (xclbin.h)
        assertThat(new String(bytes, 0, 7)).isEqualTo("xclbin2");
        assertThat(Xclbin.hex(Arrays.copyOfRange(bytes, 336, 352))).isEqualTo(IFACE);
        assertThat(new String(bytes, 352, 6)).isEqualTo("xilinx");
        assertThat(Xclbin.hex(Arrays.copyOfRange(bytes, 416, 432))).isEqualTo(UUID);
        assertThat(bytes[456]).isEqualTo((byte) 0); // first section kind: BITSTREAM
        assertThat(bytes[456 + 40]).isEqualTo((byte) Xclbin.CLOCK_FREQ_TOPOLOGY);
    }

    @Test
    void allZeroInterfaceIsEmptyAndSectionsWithoutClocksGiveNoClocks() throws IOException {
        Path file = new XclbinWriter()
                .featureRomTimeStamp(0x5d1211e8L)
                .section(0, "bit", new byte[64])
                .write(dir.resolve("flat.xclbin"));

        Xclbin x = Xclbin.read(file);

        assertThat(x.interfaceUuid()).isEmpty();
        assertThat(x.featureRomTimeStamp()).isEqualTo(0x5d1211e8L);
        assertThat(x.clocksMhz()).isEmpty();
        assertThat(x.requiredInterfaces()).containsExactly("000000000000000000000000" + "5d1211e8");
    }

    @Test
    void refusesWrongMagic() throws IOException {
        Path file = new XclbinWriter().magic("xclbin1").typical().write(dir.resolve("old.xclbin"));
        assertCorrupt(file, "magic");
    }

    @Test
    void refusesAFileShorterThanTheHeader() throws IOException {
        byte[] full = new XclbinWriter().typical().bytes();
        Path file = Files.write(dir.resolve("short.xclbin"), Arrays.copyOf(full, 300));
        assertCorrupt(file, "shorter than");
    }

    @Test
    void refusesAFileShorterThanItsDeclaredLength() throws IOException {
        byte[] full = new XclbinWriter().typical().bytes();
        Path file = Files.write(dir.resolve("trunc.xclbin"), Arrays.copyOf(full, full.length - 100));
        assertCorrupt(file, "truncated");
    }

    @Test
    void refusesASectionTableThatDoesNotFit() throws IOException {
        Path file = new XclbinWriter().typical().numSections(1000).write(dir.resolve("table.xclbin"));
        assertCorrupt(file, "section table");
    }

    @Test
    void refusesASectionOutsideTheFile() throws IOException {
        Path file = new XclbinWriter().typical().firstSectionOffset(1L << 40).write(dir.resolve("sec.xclbin"));
        assertCorrupt(file, "outside its length");
    }

    @Test
    void refusesZeroSectionsAndAMissingFile() throws IOException {
        Path none = new XclbinWriter().typical().numSections(0).write(dir.resolve("none.xclbin"));
        assertCorrupt(none, "0 sections");
        assertCorrupt(dir.resolve("missing.xclbin"), "does not exist");
    }

    @Test
    void refusesALengthShorterThanTheHeader() throws IOException {
        Path file = new XclbinWriter().typical().length(100).write(dir.resolve("len.xclbin"));
        assertCorrupt(file, "less than its own header");
    }

    private static void assertCorrupt(Path file, String message) {
        assertThatThrownBy(() -> Xclbin.read(file))
                .isInstanceOfSatisfying(
                        BackendException.class,
                        e -> assertThat(e.kind()).isEqualTo(BackendException.Kind.CORRUPT_IMAGE))
                .hasMessageContaining(message);
    }
}
