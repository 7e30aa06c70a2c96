package org.hwpersonality.backend.xilinx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hwpersonality.backend.xilinx.internal.FdtWriter.node;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PartitionMetadataTest {
    /**
     * The "Alveo U50 Platform Example" of the Linux kernel's XRT documentation (Documentation/fpga/xrt.rst in the
     * XRT driver patch series, 2021): the base partition of xilinx_u50_gen3x16_xdma_201920_3, with its logic UUID,
     * schema version, one interface and (an excerpt of) its endpoints.
     */
    static FdtWriter.Node u50Blp() {
        return node("").prop("logic_uuid", "f465b0a3ae8c64f619bc150384ace69b")
                .child(node("schema_version").cells("major", 1).cells("minor", 0))
                .child(node("interfaces").child(node("@0").prop("interface_uuid", "862c7020a250293e32036f19956669e5")))
                .child(node("addressable_endpoints")
                        .child(node("ep_blp_rom_00")
                                .cells("reg", 0, 0x1f04000, 0, 0x1000)
                                .cells("pcie_physical_function", 0)
                                .prop("compatible", "xilinx.com,reg_abs-axi_bram_ctrl-1.0\0axi_bram_ctrl"))
                        .child(node("ep_xdma_00")
                                .cells("reg", 0, 0, 0, 0x10000)
                                .cells("pcie_physical_function", 1)
                                .prop("compatible", "xilinx.com,reg_abs-xdma-1.0\0xdma")
                                .cells("pcie_bar_mapping", 2)));
    }

    @Test
    void readsTheKernelDocumentationsU50Example() {
        PartitionMetadata m = PartitionMetadata.read(FdtWriter.dtb(u50Blp()));

        assertThat(m.logicUuid()).contains("f465b0a3ae8c64f619bc150384ace69b");
        assertThat(m.interfaceUuids()).containsExactly("862c7020a250293e32036f19956669e5");
    }

    /**
     * What xclbinutil writes for an xclbin's partition_metadata.json: JSON array elements become unnamed nodes
     * (FDTNode::marshalFromJSON gives them the empty key). The JSON is the one of nqdtan/vck5000_vivado_ulp,
     * xclbin_generator/partition_metadata.json (a VCK5000 ULP): schema 1.0, one interface.
     */
    @Test
    void readsAnXclbinsMetadataWithUnnamedArrayNodesAndSeveralInterfaces() {
        byte[] dtb = FdtWriter.dtb(
                node("").child(node("schema_version").prop("major", "0x1").prop("minor", "0x0"))
                        .child(node("interfaces")
                                .child(node("").prop("interface_uuid", "eaae3fb8b262b65b21fec0676792ebfc"))
                                .child(node("").prop("interface_uuid", "EAAE3FB8-B262-B65B-21FE-C0676792EBFD"))));

        PartitionMetadata m = PartitionMetadata.read(dtb);

        assertThat(m.logicUuid()).isEmpty();
        assertThat(m.interfaceUuids())
                .containsExactly("eaae3fb8b262b65b21fec0676792ebfc", "eaae3fb8b262b65b21fec0676792ebfd");
        assertThat(PartitionMetadata.read(FdtWriter.dtb(node(""))))
                .isEqualTo(new PartitionMetadata(Optional.empty(), java.util.List.of()));
    }

    @Test
    void malformedBlobsAreRefusedSayingWhere() {
        byte[] good = FdtWriter.dtb(u50Blp());

        assertThatThrownBy(() -> PartitionMetadata.read(Arrays.copyOf(good, 20)))
                .hasMessageContaining("shorter than a device tree header");
        byte[] magic = good.clone();
        magic[0] = 0x12;
        assertThatThrownBy(() -> PartitionMetadata.read(magic)).hasMessageContaining("not a flattened device tree");
        assertThatThrownBy(() -> PartitionMetadata.read(Arrays.copyOf(good, good.length - 8)))
                .hasMessageContaining("declares a total size of " + good.length);
        byte[] version = good.clone();
        ByteBuffer.wrap(version).putInt(20, 3);
        assertThatThrownBy(() -> PartitionMetadata.read(version)).hasMessageContaining("version 3");
        byte[] structOut = good.clone();
        ByteBuffer.wrap(structOut).putInt(36, good.length);
        assertThatThrownBy(() -> PartitionMetadata.read(structOut))
                .hasMessageContaining("structure block outside the blob");
        byte[] token = good.clone();
        ByteBuffer.wrap(token).putInt(56, 7);
        assertThatThrownBy(() -> PartitionMetadata.read(token)).hasMessageContaining("does not start with a node");
        assertThatThrownBy(() -> PartitionMetadata.read(FdtWriter.dtb(
                        node("").child(node("interfaces").child(node("").prop("interface_uuid", "not-a-uuid"))))))
                .hasMessageContaining("interface_uuid 'not-a-uuid'");
        assertThatThrownBy(() -> PartitionMetadata.read(
                        FdtWriter.dtb(node("").child(node("interfaces").child(node("").cells("other", 1))))))
                .hasMessageContaining("without interface_uuid");
        FdtWriter.Node deep = node("");
        FdtWriter.Node cursor = deep;
        for (int i = 0; i < 40; i++) {
            FdtWriter.Node next = node("n" + i);
            cursor.child(next);
            cursor = next;
        }
        assertThatThrownBy(() -> PartitionMetadata.read(FdtWriter.dtb(deep))).hasMessageContaining("deeper than");
    }

    /** Random corruption of a real-format blob never escapes as anything but IllegalArgumentException. */
    @Test
    void corruptedBytesAreAlwaysAClearRefusal() {
        byte[] good = FdtWriter.dtb(u50Blp());
        java.util.Random random = new java.util.Random(20);
        for (int i = 0; i < 20_000; i++) {
            byte[] bad = good.clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
            }
            try {
                PartitionMetadata.read(bad);
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
