package org.hwpersonality.backend.xilinx.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A flattened device tree (a DTB: Devicetree Specification v0.4, chapter 5), read as libfdt reads it. XRT keeps
 * the metadata of a partition in this format: an xclbin's or xsabin's {@code PARTITION_METADATA} section is a DTB
 * (xclbinutil {@code FDTNode::marshalToDTC}; the xocl driver reads it with {@code fdt_path_offset} and
 * {@code fdt_getprop}).
 *
 * <pre>
 * struct fdt_header {            big-endian u32 at
 *   magic 0xd00dfeed             0
 *   totalsize                    4
 *   off_dt_struct                8
 *   off_dt_strings               12
 *   off_mem_rsvmap, version,     16, 20
 *   last_comp_version,           24
 *   boot_cpuid_phys              28
 *   size_dt_strings              32
 *   size_dt_struct               36 (version 17)
 * }
 * structure block tokens: FDT_BEGIN_NODE 1 (NUL-terminated name, padded to 4), FDT_END_NODE 2,
 *   FDT_PROP 3 (u32 len, u32 nameoff into the strings block, value padded to 4), FDT_NOP 4, FDT_END 9
 * </pre>
 *
 * Every offset and length is checked against the blob; a malformed blob is an IllegalArgumentException saying
 * where. Nesting is limited to {@value #MAX_DEPTH} levels.
 */
final class Fdt {
    static final int MAGIC = 0xd00dfeed;
    static final int HEADER_SIZE = 40;
    static final int MAX_DEPTH = 32;

    private static final int BEGIN_NODE = 1;
    private static final int END_NODE = 2;
    private static final int PROP = 3;
    private static final int NOP = 4;
    private static final int END = 9;

    /** A node: its name (empty for the root and for xclbinutil's array elements), properties and children. */
    record Node(String name, Map<String, byte[]> properties, List<Node> children) {
        /** A property holding a string: its bytes up to the first NUL; empty if absent. */
        Optional<String> string(String property) {
            byte[] value = properties.get(property);
            if (value == null) {
                return Optional.empty();
            }
            int end = 0;
            while (end < value.length && value[end] != 0) {
                end++;
            }
            return Optional.of(new String(value, 0, end, StandardCharsets.US_ASCII));
        }

        /** The first child called {@code name}. */
        Optional<Node> child(String name) {
            return children.stream().filter(c -> c.name.equals(name)).findFirst();
        }
    }

    private final ByteBuffer blob;
    private final int structEnd;
    private final int stringsStart;
    private final int stringsEnd;
    private int cursor;

    private Fdt(ByteBuffer blob, int structStart, int structEnd, int stringsStart, int stringsEnd) {
        this.blob = blob;
        this.cursor = structStart;
        this.structEnd = structEnd;
        this.stringsStart = stringsStart;
        this.stringsEnd = stringsEnd;
    }

    /** The root node of {@code bytes}. */
    static Node parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        if (bytes.length < HEADER_SIZE) {
            throw new IllegalArgumentException(
                    "is " + bytes.length + " bytes, shorter than a device tree header (" + HEADER_SIZE + ")");
        }
        if (b.getInt(0) != MAGIC) {
            throw new IllegalArgumentException(
                    "is not a flattened device tree (magic 0x" + Integer.toHexString(b.getInt(0)) + ")");
        }
        long total = Integer.toUnsignedLong(b.getInt(4));
        if (total > bytes.length || total < HEADER_SIZE) {
            throw new IllegalArgumentException(
                    "declares a total size of " + total + " bytes but holds " + bytes.length);
        }
        int version = b.getInt(20);
        if (version < 16) {
            throw new IllegalArgumentException("is device tree version " + version + "; 16 or later is read");
        }
        long structStart = Integer.toUnsignedLong(b.getInt(8));
        long stringsStart = Integer.toUnsignedLong(b.getInt(12));
        long stringsSize = Integer.toUnsignedLong(b.getInt(32));
        long structSize = version >= 17 ? Integer.toUnsignedLong(b.getInt(36)) : total - structStart;
        if (structStart < HEADER_SIZE || structStart + structSize > total || structStart % 4 != 0) {
            throw new IllegalArgumentException("has a structure block outside the blob");
        }
        if (stringsStart > total || stringsStart + stringsSize > total) {
            throw new IllegalArgumentException("has a strings block outside the blob");
        }
        Fdt fdt = new Fdt(b, (int) structStart, (int) (structStart + structSize), (int) stringsStart, (int)
                (stringsStart + stringsSize));
        int token = fdt.token();
        while (token == NOP) {
            token = fdt.token();
        }
        if (token != BEGIN_NODE) {
            throw new IllegalArgumentException("does not start with a node (token " + token + ")");
        }
        Node root = fdt.node(0);
        token = fdt.token();
        while (token == NOP) {
            token = fdt.token();
        }
        if (token != END) {
            throw new IllegalArgumentException("has token " + token + " after its root node instead of FDT_END");
        }
        return root;
    }

    private Node node(int depth) {
        if (depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("nests nodes deeper than " + MAX_DEPTH + " levels");
        }
        String name = cString(cursor, structEnd);
        cursor = align(cursor + name.length() + 1);
        Map<String, byte[]> properties = new LinkedHashMap<>();
        List<Node> children = new ArrayList<>();
        while (true) {
            int token = token();
            switch (token) {
                case NOP -> {}
                case PROP -> {
                    long length = Integer.toUnsignedLong(u32());
                    long nameOffset = Integer.toUnsignedLong(u32());
                    if (length > structEnd - cursor) {
                        throw new IllegalArgumentException("has a property of " + length + " bytes past its end");
                    }
                    if (nameOffset >= stringsEnd - stringsStart) {
                        throw new IllegalArgumentException("names a property outside its strings block");
                    }
                    byte[] value = new byte[(int) length];
                    blob.get(cursor, value);
                    cursor = align(cursor + (int) length);
                    properties.putIfAbsent(cString(stringsStart + (int) nameOffset, stringsEnd), value);
                }
                case BEGIN_NODE -> children.add(node(depth + 1));
                case END_NODE -> {
                    return new Node(name, Map.copyOf(properties), List.copyOf(children));
                }
                default -> throw new IllegalArgumentException("has unknown token " + token + " in node '" + name + "'");
            }
        }
    }

    private int token() {
        return u32();
    }

    private int u32() {
        if (cursor + 4 > structEnd) {
            throw new IllegalArgumentException("ends inside its structure block");
        }
        int v = blob.getInt(cursor);
        cursor += 4;
        return v;
    }

    private String cString(int from, int limit) {
        int end = from;
        while (end < limit && blob.get(end) != 0) {
            end++;
        }
        if (end >= limit) {
            throw new IllegalArgumentException("has an unterminated name at offset " + from);
        }
        byte[] bytes = new byte[end - from];
        blob.get(from, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static int align(int offset) {
        return (offset + 3) & ~3;
    }
}
