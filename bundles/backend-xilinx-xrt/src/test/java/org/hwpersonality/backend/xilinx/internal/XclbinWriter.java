package org.hwpersonality.backend.xilinx.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Test helper: lays out an xclbin byte for byte as XRT's {@code struct axlf} (xclbin.h): magic, signature
 * length, reserved (0xFF), key block, unique id, {@code axlf_header} (152 bytes), the section headers (40 bytes
 * each) and the section data, each aligned at 8 bytes. Knobs allow writing deliberately broken files.
 */
final class XclbinWriter {
    record Section(int kind, String name, byte[] data) {}

    private byte[] magic = "xclbin2\0".getBytes(StandardCharsets.US_ASCII);
    private String uuid = "0123456789abcdef0123456789abcdef";
    private String interfaceUuid = "00000000000000000000000000000000";
    private String vbnv = "xilinx_u250_gen3x16_xdma_shell_4_1";
    private long featureRomTimeStamp;
    private int mode = 1; // XCLBIN_PR
    private final List<Section> sections = new ArrayList<>();
    private Long lengthOverride;
    private Long numSectionsOverride;
    private Long sectionOffsetOverride;
    private byte[] signature;

    XclbinWriter uuid(String hex) {
        this.uuid = hex;
        return this;
    }

    XclbinWriter interfaceUuid(String hex) {
        this.interfaceUuid = hex;
        return this;
    }

    XclbinWriter vbnv(String v) {
        this.vbnv = v;
        return this;
    }

    XclbinWriter featureRomTimeStamp(long t) {
        this.featureRomTimeStamp = t;
        return this;
    }

    /** {@code m_mode}: XCLBIN_MODE (0 flat, 1 PR, 2/3 tandem, 4 hw_emu, 5 sw_emu, 6 hw_emu_pr). */
    XclbinWriter mode(int m) {
        this.mode = m;
        return this;
    }

    /**
     * Signs the image as {@code xclbinutil --private-key} does: the signature (PKCS#7 DER) is appended after the
     * {@code m_length} bytes of the image and its size is written to {@code m_signature_length}.
     */
    XclbinWriter signature(byte[] der) {
        this.signature = der.clone();
        return this;
    }

    XclbinWriter magic(String m) {
        this.magic = Arrays.copyOf(m.getBytes(StandardCharsets.US_ASCII), 8);
        return this;
    }

    XclbinWriter section(int kind, String name, byte[] data) {
        sections.add(new Section(kind, name, data));
        return this;
    }

    XclbinWriter length(long l) {
        this.lengthOverride = l;
        return this;
    }

    XclbinWriter numSections(long n) {
        this.numSectionsOverride = n;
        return this;
    }

    XclbinWriter firstSectionOffset(long o) {
        this.sectionOffsetOverride = o;
        return this;
    }

    /** A typical image: a BITSTREAM and a CLOCK_FREQ_TOPOLOGY with a data and a kernel clock. */
    XclbinWriter typical() {
        section(0, "bitstream", new byte[1000]);
        return section(
                Xclbin.CLOCK_FREQ_TOPOLOGY,
                "clk_freq",
                clockTopology(new Object[] {300, 1, "DATA_CLK"}, new Object[] {500, 2, "KERNEL_CLK"}));
    }

    /** {@code struct clock_freq_topology}: int16 m_count, then {@code struct clock_freq} (136 bytes) at offset 2. */
    static byte[] clockTopology(Object[]... clocks) {
        ByteBuffer b = ByteBuffer.allocate(2 + 136 * clocks.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) clocks.length);
        for (int i = 0; i < clocks.length; i++) {
            int base = 2 + i * 136;
            b.putShort(base, (short) (int) (Integer) clocks[i][0]);
            b.put(base + 2, (byte) (int) (Integer) clocks[i][1]);
            byte[] name = ((String) clocks[i][2]).getBytes(StandardCharsets.US_ASCII);
            b.put(base + 8, name);
        }
        return b.array();
    }

    byte[] bytes() {
        int n = sections.size();
        long dataStart = align8(Xclbin.SECTIONS_OFFSET + 40L * n);
        long[] offsets = new long[n];
        long cursor = dataStart;
        for (int i = 0; i < n; i++) {
            offsets[i] = cursor;
            cursor = align8(cursor + sections.get(i).data().length);
        }
        long length = Math.max(cursor, Xclbin.SECTIONS_OFFSET + 40L);
        int signed = signature == null ? 0 : signature.length;
        ByteBuffer b = ByteBuffer.allocate((int) length + signed).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, magic);
        b.putInt(8, signature == null ? -1 : signature.length); // m_signature_length, -1: no signature
        if (signature != null) {
            b.put((int) length, signature);
        }
        for (int i = 12; i < 40; i++) b.put(i, (byte) 0xFF); // reserved, initialised to 0xFF
        b.putLong(296, 0x1234_5678L); // m_uniqueId
        // m_length: the whole file, the signature included (xclbinutil adds the signature's length when it signs)
        b.putLong(304, lengthOverride != null ? lengthOverride : length + signed);
        b.putLong(312, 1_700_000_000L); // m_timeStamp
        b.putLong(320, featureRomTimeStamp); // m_featureRomTimeStamp
        b.putShort(328, (short) 0); // m_versionPatch
        b.put(330, (byte) 2); // m_versionMajor
        b.put(331, (byte) 16); // m_versionMinor
        b.putShort(332, (short) mode); // m_mode
        b.putShort(334, (short) 0); // m_actionMask
        b.put(336, HexFormat.of().parseHex(interfaceUuid)); // m_interface_uuid
        b.put(352, Arrays.copyOf(vbnv.getBytes(StandardCharsets.US_ASCII), 64)); // m_platformVBNV
        b.put(416, HexFormat.of().parseHex(uuid)); // uuid
        b.put(432, Arrays.copyOf("debug".getBytes(StandardCharsets.US_ASCII), 16)); // m_debug_bin
        b.putInt(448, (int) (long) (numSectionsOverride != null ? numSectionsOverride : n)); // m_numSections
        for (int i = 0; i < n; i++) {
            Section s = sections.get(i);
            int h = Xclbin.SECTIONS_OFFSET + 40 * i;
            b.putInt(h, s.kind());
            b.put(h + 4, Arrays.copyOf(s.name().getBytes(StandardCharsets.US_ASCII), 16));
            b.putLong(h + 24, i == 0 && sectionOffsetOverride != null ? sectionOffsetOverride : offsets[i]);
            b.putLong(h + 32, s.data().length);
            b.put((int) offsets[i], s.data());
        }
        return b.array();
    }

    Path write(Path file) throws IOException {
        Files.write(file, bytes());
        return file;
    }

    private static long align8(long v) {
        return (v + 7) & ~7L;
    }
}
