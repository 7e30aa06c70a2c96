package org.hwpersonality.backend.xilinx.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code PARTITION_METADATA} section (axlf section kind {@value #SECTION_KIND}) of an xclbin or of a platform's
 * {@code partition.xsabin}: a device tree whose root may carry {@code logic_uuid} (the partition's own identity)
 * and whose {@code /interfaces} node lists, one unnamed child each, the {@code interface_uuid}s of the partition's
 * interfaces. The schema is the one the Linux kernel's XRT documentation gives ({@code Documentation/fpga/xrt.rst},
 * "Device Tree Usage") and the one xclbinutil writes from {@code partition_metadata.json}; the xocl driver's
 * {@code xocl_fdt_check_uuids} loads an xclbin only when every interface UUID of its metadata is among the
 * shell's.
 *
 * @param logicUuid      the root's {@code logic_uuid}, 32 lower-case hex digits, if present
 * @param interfaceUuids the {@code interface_uuid} of every child of {@code /interfaces}, in order, canonical
 */
record PartitionMetadata(Optional<String> logicUuid, List<String> interfaceUuids) {
    static final int SECTION_KIND = 20;

    PartitionMetadata {
        interfaceUuids = List.copyOf(interfaceUuids);
    }

    /** Reads the device tree {@code dtb}; IllegalArgumentException naming what is wrong. */
    static PartitionMetadata read(byte[] dtb) {
        Fdt.Node root = Fdt.parse(dtb);
        Optional<String> logic = root.string("logic_uuid").map(v -> canonical(v, "logic_uuid"));
        List<String> interfaces = new ArrayList<>();
        Optional<Fdt.Node> list = root.child("interfaces");
        if (list.isPresent()) {
            for (Fdt.Node entry : list.get().children()) {
                String uuid = entry.string("interface_uuid")
                        .orElseThrow(() ->
                                new IllegalArgumentException("has an entry of /interfaces without interface_uuid"));
                interfaces.add(canonical(uuid, "interface_uuid"));
            }
        }
        return new PartitionMetadata(logic, interfaces);
    }

    private static String canonical(String value, String property) {
        return XbutilReports.uuid(value)
                .orElseThrow(() ->
                        new IllegalArgumentException("has " + property + " '" + value + "', not a non-zero UUID"));
    }
}
