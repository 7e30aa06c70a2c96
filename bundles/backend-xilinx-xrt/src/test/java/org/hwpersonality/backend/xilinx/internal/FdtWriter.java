package org.hwpersonality.backend.xilinx.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test helper: writes a device tree blob as dtc and xclbinutil ({@code FDTNode::marshalToDTC}) write one: a
 * version 17 header, an empty memory reservation map, the structure block and the strings block, big-endian,
 * every name and value padded to 4 bytes.
 */
final class FdtWriter {
    static final class Node {
        final String name;
        final Map<String, byte[]> properties = new LinkedHashMap<>();
        final List<Node> children = new ArrayList<>();

        Node(String name) {
            this.name = name;
        }

        /** A string property (NUL-terminated). */
        Node prop(String key, String value) {
            properties.put(key, (value + "\0").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        /** A property of 32-bit cells. */
        Node cells(String key, int... values) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length);
            for (int v : values) {
                b.putInt(v);
            }
            properties.put(key, b.array());
            return this;
        }

        Node child(Node child) {
            children.add(child);
            return this;
        }
    }

    private FdtWriter() {}

    static Node node(String name) {
        return new Node(name);
    }

    static byte[] dtb(Node root) {
        ByteArrayOutputStream struct = new ByteArrayOutputStream();
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        Map<String, Integer> offsets = new LinkedHashMap<>();
        write(root, struct, strings, offsets);
        u32(struct, 9); // FDT_END
        byte[] s = struct.toByteArray();
        byte[] str = strings.toByteArray();
        int structOffset = 40 + 16;
        int stringsOffset = structOffset + s.length;
        int total = stringsOffset + str.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putInt(0xd00dfeed)
                .putInt(total)
                .putInt(structOffset)
                .putInt(stringsOffset)
                .putInt(40);
        b.putInt(17).putInt(16).putInt(0).putInt(str.length).putInt(s.length);
        b.put(new byte[16]); // memory reservation map: the terminating empty entry
        b.put(s).put(str);
        return b.array();
    }

    private static void write(
            Node node, ByteArrayOutputStream struct, ByteArrayOutputStream strings, Map<String, Integer> offsets) {
        u32(struct, 1); // FDT_BEGIN_NODE
        padded(struct, (node.name + "\0").getBytes(StandardCharsets.US_ASCII));
        node.properties.forEach((key, value) -> {
            Integer offset = offsets.get(key);
            if (offset == null) {
                offset = strings.size();
                offsets.put(key, offset);
                strings.writeBytes((key + "\0").getBytes(StandardCharsets.US_ASCII));
            }
            u32(struct, 3); // FDT_PROP
            u32(struct, value.length);
            u32(struct, offset);
            padded(struct, value);
        });
        for (Node child : node.children) {
            write(child, struct, strings, offsets);
        }
        u32(struct, 2); // FDT_END_NODE
    }

    private static void padded(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(bytes);
        for (int i = bytes.length; i % 4 != 0; i++) {
            out.write(0);
        }
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
    }
}
