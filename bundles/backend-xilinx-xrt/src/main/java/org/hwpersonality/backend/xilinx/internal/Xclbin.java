package org.hwpersonality.backend.xilinx.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.hwpersonality.api.backend.BackendException;

/**
 * The header of an XRT xclbin file ({@code struct axlf}), read exactly as laid out in Xilinx/XRT
 * {@code src/runtime_src/core/include/xclbin.h} (little-endian, natural C alignment):
 *
 * <pre>
 * struct axlf {                              offset
 *   char     m_magic[8];                     0    "xclbin2\0"
 *   int32_t  m_signature_length;             8
 *   uint8_t  reserved[28];                   12
 *   uint8_t  m_keyBlock[256];                40
 *   uint64_t m_uniqueId;                     296
 *   struct axlf_header {                     304  (152 bytes)
 *     uint64_t m_length;                     304  total size of the file
 *     uint64_t m_timeStamp;                  312
 *     uint64_t m_featureRomTimeStamp;        320
 *     uint16_t m_versionPatch;               328
 *     uint8_t  m_versionMajor, m_versionMinor; 330, 331
 *     uint16_t m_mode;                       332
 *     uint16_t m_actionMask;                 334
 *     uint8_t  m_interface_uuid[16];         336
 *     uint8_t  m_platformVBNV[64];           352
 *     xuid_t   uuid;                         416  (union with m_next_axlf[16])
 *     char     m_debug_bin[16];              432
 *     uint32_t m_numSections;                448  (+4 bytes padding)
 *   };
 *   struct axlf_section_header m_sections[]; 456  40 bytes each:
 *     uint32_t m_sectionKind; char m_sectionName[16]; (4 padding) uint64_t m_sectionOffset; uint64_t m_sectionSize;
 * };
 * </pre>
 *
 * UUIDs are given as 32 lower-case hex digits in the byte order of the file (what {@code uuid_unparse} and
 * {@code xclbinutil --info} print, without dashes).
 *
 * @param uuid                the xclbin's own UUID ({@code m_header.uuid})
 * @param interfaceUuid       the shell interface it was built for ({@code m_interface_uuid}), empty when all zero
 *                            (1RP/flat xclbins, which are matched by {@code m_featureRomTimeStamp} instead)
 * @param platformVbnv        the platform it was built for, e.g. {@code xilinx_u250_gen3x16_xdma_shell_4_1}
 * @param length              {@code m_length}, the declared size of the file
 * @param numSections         {@code m_numSections}
 * @param featureRomTimeStamp {@code m_featureRomTimeStamp} (identifies 1RP shells; 0 when unused)
 * @param mode                {@code m_mode} (XCLBIN_MODE: 0 flat, 1 PR, 4 hw_emu, 5 sw_emu …)
 * @param clocksMhz           clock frequencies by name from a CLOCK_FREQ_TOPOLOGY section, empty if absent
 * @param partitionMetadata   the PARTITION_METADATA section (2RP xclbins and platform xsabins), if present
 * @param signed              whether {@code m_signature_length} declares a signature appended after the image
 */
public record Xclbin(
        String uuid,
        Optional<String> interfaceUuid,
        String platformVbnv,
        long length,
        int numSections,
        long featureRomTimeStamp,
        int mode,
        Map<String, Double> clocksMhz,
        Optional<PartitionMetadata> partitionMetadata,
        boolean signed) {

    /**
     * What {@code m_mode} builds for, as XRT's {@code xclbin_impl::get_target_type} reads it (enum XCLBIN_MODE in
     * xclbin.h: FLAT 0, PR 1, TANDEM_STAGE2 2, TANDEM_STAGE2_WITH_PR 3 are hardware; HW_EMU 4 and HW_EMU_PR 6 hardware
     * emulation; SW_EMU 5 software emulation; anything else XRT refuses as "Invalid target").
     */
    public enum Target {
        HW,
        HW_EMU,
        SW_EMU,
        UNKNOWN
    }

    /** The target of this xclbin's {@code m_mode}. */
    public Target target() {
        return switch (mode) {
            case 0, 1, 2, 3 -> Target.HW;
            case 4, 6 -> Target.HW_EMU;
            case 5 -> Target.SW_EMU;
            default -> Target.UNKNOWN;
        };
    }

    /** The magic of {@code struct axlf}, including its terminating NUL. */
    public static final byte[] MAGIC = "xclbin2\0".getBytes(StandardCharsets.US_ASCII);
    /** {@code offsetof(struct axlf, m_header)}. */
    public static final int HEADER_OFFSET = 304;
    /** {@code offsetof(struct axlf, m_sections)}: where the section table starts. */
    public static final int SECTIONS_OFFSET = 456;
    /** {@code sizeof(struct axlf_section_header)}. */
    public static final int SECTION_HEADER_SIZE = 40;
    /** {@code XCLBIN_MAX_NUM_SECTION}. */
    public static final long MAX_SECTIONS = 0x10000;
    /** {@code enum axlf_section_kind}: CLOCK_FREQ_TOPOLOGY. */
    public static final int CLOCK_FREQ_TOPOLOGY = 11;
    /** {@code sizeof(struct clock_freq)}. */
    static final int CLOCK_FREQ_SIZE = 136;
    /** The largest PARTITION_METADATA section read (a platform's, with all its endpoints, is tens of KiB). */
    static final int MAX_METADATA_BYTES = 4 << 20;

    public Xclbin {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(interfaceUuid, "interfaceUuid");
        Objects.requireNonNull(platformVbnv, "platformVbnv");
        clocksMhz = Map.copyOf(clocksMhz);
        Objects.requireNonNull(partitionMetadata, "partitionMetadata");
    }

    /**
     * The shell interfaces this xclbin needs, as the xocl driver checks them: the interface UUIDs of its
     * PARTITION_METADATA when it has any (2RP); else the header's {@code m_interface_uuid} (the UUID at offset 336,
     * which older XRT headers called the feature-ROM UUID); else, for 1RP shells, the feature-ROM time stamp as
     * a zero-padded ID; else none.
     */
    public java.util.List<String> requiredInterfaces() {
        if (partitionMetadata.isPresent()
                && !partitionMetadata.get().interfaceUuids().isEmpty()) {
            return partitionMetadata.get().interfaceUuids();
        }
        if (interfaceUuid.isPresent()) {
            return java.util.List.of(interfaceUuid.get());
        }
        return featureRomTimeStamp != 0
                ? java.util.List.of(XbutilReports.timestampId(featureRomTimeStamp))
                : java.util.List.of();
    }

    /** Reads and checks the header and section table of {@code file}; CORRUPT_IMAGE if it is not a sound xclbin. */
    public static Xclbin read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(channel, file);
        } catch (NoSuchFileException e) {
            throw corrupt(file, "does not exist");
        } catch (IOException e) {
            throw new BackendException(
                    BackendException.Kind.CORRUPT_IMAGE, "cannot read xclbin " + file + ": " + e.getMessage(), e);
        }
    }

    private static Xclbin read(FileChannel channel, Path file) throws IOException {
        long fileSize = channel.size();
        if (fileSize < SECTIONS_OFFSET) {
            throw corrupt(file, "is " + fileSize + " bytes, shorter than the " + SECTIONS_OFFSET + "-byte axlf header");
        }
        ByteBuffer head = readFully(channel, 0, SECTIONS_OFFSET);
        byte[] magic = new byte[MAGIC.length];
        head.get(0, magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw corrupt(file, "has no xclbin2 magic (starts with '" + printable(magic) + "')");
        }
        long length = head.getLong(HEADER_OFFSET);
        long featureRomTimeStamp = head.getLong(320);
        int signatureLength = head.getInt(8);
        int mode = Short.toUnsignedInt(head.getShort(332));
        byte[] interfaceUuid = new byte[16];
        head.get(336, interfaceUuid);
        byte[] vbnv = new byte[64];
        head.get(352, vbnv);
        byte[] uuid = new byte[16];
        head.get(416, uuid);
        long numSections = Integer.toUnsignedLong(head.getInt(448));

        if (length < SECTIONS_OFFSET) {
            throw corrupt(file, "declares a length of " + length + " bytes, less than its own header");
        }
        if (fileSize < length) {
            throw corrupt(file, "is truncated: " + fileSize + " bytes of the " + length + " its header declares");
        }
        if (numSections == 0 || numSections > MAX_SECTIONS) {
            throw corrupt(file, "declares " + numSections + " sections");
        }
        long tableEnd = SECTIONS_OFFSET + numSections * SECTION_HEADER_SIZE;
        if (tableEnd > length) {
            throw corrupt(
                    file,
                    "has a section table of " + numSections + " entries ending at " + tableEnd
                            + ", beyond its length of " + length);
        }
        ByteBuffer table = readFully(channel, SECTIONS_OFFSET, (int) (tableEnd - SECTIONS_OFFSET));
        Map<String, Double> clocks = Map.of();
        Optional<PartitionMetadata> metadata = Optional.empty();
        for (int i = 0; i < numSections; i++) {
            int base = i * SECTION_HEADER_SIZE;
            long kind = Integer.toUnsignedLong(table.getInt(base));
            long offset = table.getLong(base + 24);
            long size = table.getLong(base + 32);
            if (offset < 0 || size < 0 || offset > length || size > length - offset) {
                throw corrupt(
                        file,
                        "has section " + i + " (kind " + kind + ") at " + Long.toUnsignedString(offset) + "+"
                                + Long.toUnsignedString(size) + ", outside its length of " + length);
            }
            if (kind == CLOCK_FREQ_TOPOLOGY && clocks.isEmpty()) {
                clocks = clocks(channel, file, offset, size);
            }
            if (kind == PartitionMetadata.SECTION_KIND && metadata.isEmpty()) {
                metadata = Optional.of(partitionMetadata(channel, file, offset, size));
            }
        }
        return new Xclbin(
                hex(uuid),
                allZero(interfaceUuid) ? Optional.empty() : Optional.of(hex(interfaceUuid)),
                cString(vbnv),
                length,
                (int) numSections,
                featureRomTimeStamp,
                mode,
                clocks,
                metadata,
                signatureLength > 0);
    }

    private static PartitionMetadata partitionMetadata(FileChannel channel, Path file, long offset, long size)
            throws IOException {
        if (size > MAX_METADATA_BYTES) {
            throw corrupt(file, "has a PARTITION_METADATA section of " + size + " bytes");
        }
        ByteBuffer section = readFully(channel, offset, (int) size);
        try {
            return PartitionMetadata.read(section.array());
        } catch (IllegalArgumentException e) {
            throw corrupt(file, "has a PARTITION_METADATA section that " + e.getMessage());
        }
    }

    /** {@code struct clock_freq_topology { int16_t m_count; struct clock_freq m_clock_freq[]; }}, entries at offset 2. */
    private static Map<String, Double> clocks(FileChannel channel, Path file, long offset, long size)
            throws IOException {
        if (size < 2) {
            throw corrupt(file, "has a CLOCK_FREQ_TOPOLOGY section of " + size + " bytes");
        }
        ByteBuffer section = readFully(channel, offset, (int) Math.min(size, 2 + 64L * CLOCK_FREQ_SIZE));
        int count = section.getShort(0);
        if (count < 0 || 2L + (long) count * CLOCK_FREQ_SIZE > section.capacity()) {
            throw corrupt(file, "has a CLOCK_FREQ_TOPOLOGY section with " + count + " entries that do not fit");
        }
        Map<String, Double> clocks = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            int base = 2 + i * CLOCK_FREQ_SIZE;
            int mhz = Short.toUnsignedInt(section.getShort(base));
            byte[] name = new byte[128];
            section.get(base + 8, name);
            String key = cString(name);
            if (mhz > 0 && !key.isBlank()) {
                clocks.putIfAbsent(key, (double) mhz);
            }
        }
        return clocks;
    }

    /**
     * The clock of CLOCK_FREQ_TOPOLOGY that a profile's clock {@code name} means: the one of that name, ignoring
     * case, or of that name with {@code _CLK} ({@code kernel} is {@code KERNEL_CLK}); empty if none.
     */
    public Optional<String> clockNamed(String name) {
        return clocksMhz.keySet().stream()
                .filter(k -> k.equalsIgnoreCase(name) || k.equalsIgnoreCase(name + "_clk"))
                .findFirst();
    }

    /**
     * Copies {@code source} to {@code target} with the frequencies of the named CLOCK_FREQ_TOPOLOGY entries
     * ({@code m_freq_Mhz}, uint16 at the start of each 136-byte {@code struct clock_freq}) replaced: XRT sets the
     * card's clock wizards from this section when it loads the xclbin, so the copy carries the clocks to the
     * card. The names must be entries of the section, as {@link #clockNamed} gives them.
     */
    public static void writeWithClocks(Path source, Path target, Map<String, Integer> mhzByEntry) throws IOException {
        java.nio.file.Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer head = readFully(channel, 0, SECTIONS_OFFSET);
            int n = head.getInt(448);
            ByteBuffer table = readFully(channel, SECTIONS_OFFSET, n * SECTION_HEADER_SIZE);
            for (int i = 0; i < n; i++) {
                if (table.getInt(i * SECTION_HEADER_SIZE) != CLOCK_FREQ_TOPOLOGY) {
                    continue;
                }
                long offset = table.getLong(i * SECTION_HEADER_SIZE + 24);
                int count = readFully(channel, offset, 2).getShort(0);
                for (int c = 0; c < count; c++) {
                    long entry = offset + 2 + (long) c * CLOCK_FREQ_SIZE;
                    ByteBuffer clock = readFully(channel, entry, CLOCK_FREQ_SIZE);
                    byte[] name = new byte[128];
                    clock.get(8, name);
                    Integer mhz = mhzByEntry.get(cString(name));
                    if (mhz != null) {
                        ByteBuffer value = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
                        value.putShort(0, (short) (int) mhz);
                        channel.write(value, entry);
                    }
                }
                return;
            }
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file at " + (position + buffer.position()));
            }
        }
        return buffer.clear();
    }

    private static BackendException corrupt(Path file, String what) {
        return new BackendException(BackendException.Kind.CORRUPT_IMAGE, "xclbin " + file + " " + what);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.US_ASCII).strip();
    }

    private static String printable(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return out.toString();
    }
}
