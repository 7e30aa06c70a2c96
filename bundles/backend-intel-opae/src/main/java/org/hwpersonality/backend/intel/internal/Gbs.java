package org.hwpersonality.backend.intel.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.BackendException.Kind;

/**
 * A Green BitStream (GBS) file as the OPAE packager writes it, and as {@code fpgaconf} reads it.
 *
 * <p>Layout (all from OPAE/opae-sdk, stored as {@code OFS/opae-sdk}):
 *
 * <pre>
 * offset 0   16 bytes  GBS GUID: the ASCII bytes "XeonFPGA", 0xB7, "GBSv001"
 *                      (58 65 6f 6e 46 50 47 41 b7 47 42 53 76 30 30 31, i.e. 58656f6e-4650-4741-b747-425376303031
 *                      read as bytes in file order)
 * offset 16  4 bytes   metadata length, unsigned 32-bit little-endian ("&lt;I")
 * offset 20  n bytes   metadata: JSON text {"version": 1, "afu-image": {...}, "platform-name": ...}
 * offset 20+n          the raw bitstream (RBF) up to the end of the file
 * </pre>
 *
 * Sources: {@code tools/extra/packager/metadata/metadata.py} ({@code get_metadata}: GUID, {@code pack("<I", len)},
 * JSON), {@code tools/extra/packager/gbs.py} ({@code validate_gbs_file}: "Unsupported GBS format", "No RBF in GBS
 * file!"), the packager's {@code constants.py} as mirrored in the PACSign readers ({@code METADATA_GUID = "XeonFPGA"
 * + chr(0xB7) + "GBSv001"}, {@code SIZEOF_LEN_FIELD = 4}), and libopae's {@code bitstream.c}
 * ({@code valid_GBS_guid}, {@code opae_bitstream_header}, the metadata-length check, and the JSON {@code "version"}
 * key, where 640 and 650 are accepted aliases of 1). The metadata "version" is a key of the JSON, not a binary header
 * field: the binary header is only the GUID and the length.
 *
 * <p>The JSON follows {@code tools/extra/packager/schema/afu_schema_v01.json}: {@code clock-frequency-high/-low} are a
 * number (MHz) or a string {@code auto} / {@code auto-<MHz>}.
 */
public record Gbs(
        int metadataVersion,
        String interfaceUuid,
        Optional<String> afuUuid,
        Optional<String> afuName,
        Map<String, Double> clocksMhz,
        Optional<Double> powerWatts,
        Optional<Long> magicNo,
        Optional<String> platformName,
        long metadataLength,
        long bitstreamOffset,
        long bitstreamLength) {

    /** The 16 bytes every GBS starts with. */
    public static final byte[] GUID = {
        0x58, 0x65, 0x6f, 0x6e, 0x46, 0x50, 0x47, 0x41, (byte) 0xb7, 0x47, 0x42, 0x53, 0x76, 0x30, 0x30, 0x31
    };

    /** GUID plus the 32-bit metadata length. */
    public static final int HEADER_LENGTH = GUID.length + 4;

    /**
     * The magic of pre-6.4.0 BBS ("legacy") bitstreams, which libopae still loads but marks deprecated; also the
     * value libopae requires of the metadata's {@code afu-image.magic-no}.
     */
    static final int LEGACY_MAGIC = 0x1d1f8680;

    /** The legacy header: magic and the reversed PR interface ID. */
    static final int LEGACY_HEADER_LENGTH = 4 + 16;

    /** No real metadata comes near this; it bounds what a corrupt length field can make us allocate. */
    static final long MAX_METADATA = 16L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");
    private static final Pattern AUTO_CLOCK = Pattern.compile("auto(-([0-9.]+))?");

    public Gbs {
        clocksMhz = Map.copyOf(clocksMhz);
    }

    /** Reads the header and metadata of {@code file}; the bitstream itself is only measured. */
    public static Gbs read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < HEADER_LENGTH) {
                throw corrupt(file, "is " + size + " bytes, shorter than the " + HEADER_LENGTH + "-byte GBS header");
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, header, 0);
            byte[] guid = new byte[GUID.length];
            header.get(0, guid);
            if (!Arrays.equals(guid, GUID)) {
                if (header.getInt(0) == LEGACY_MAGIC) {
                    return legacy(file, header, size);
                }
                throw corrupt(
                        file,
                        "does not start with the GBS GUID 58656f6e-4650-4741-b747-425376303031 (found "
                                + HexFormat.of().formatHex(guid) + ")");
            }
            long metadataLength = Integer.toUnsignedLong(header.getInt(GUID.length));
            if (metadataLength > size - HEADER_LENGTH) {
                throw corrupt(
                        file,
                        "declares " + metadataLength + " bytes of metadata but only " + (size - HEADER_LENGTH)
                                + " follow the header");
            }
            if (metadataLength == 0) {
                throw corrupt(file, "has no metadata, so no interface-uuid");
            }
            if (metadataLength > MAX_METADATA) {
                throw corrupt(file, "declares " + metadataLength + " bytes of metadata, more than any GBS carries");
            }
            ByteBuffer metadata = ByteBuffer.allocate((int) metadataLength);
            readFully(channel, metadata, HEADER_LENGTH);
            long bitstreamOffset = HEADER_LENGTH + metadataLength;
            long bitstreamLength = size - bitstreamOffset;
            if (bitstreamLength == 0) {
                throw corrupt(file, "has no bitstream after its metadata");
            }
            return parse(
                    file,
                    new String(metadata.array(), StandardCharsets.UTF_8),
                    metadataLength,
                    bitstreamOffset,
                    bitstreamLength);
        } catch (NoSuchFileException e) {
            throw corrupt(file, "does not exist");
        } catch (IOException e) {
            throw new BackendException(Kind.CORRUPT_IMAGE, "cannot read GBS " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A legacy bitstream as libopae still loads it ({@code libbitstream/bitstream.c} {@code opae_is_legacy_bitstream},
     * {@code opae_resolve_legacy_bitstream}): the 32-bit magic 0x1d1f8680, the 16-byte PR interface ID stored
     * backwards, then the RBF. It carries no metadata: no AFU UUID, no clocks; {@link #metadataVersion} is 0.
     */
    private static Gbs legacy(Path file, ByteBuffer header, long size) {
        byte[] id = new byte[16];
        for (int i = 0; i < 16; i++) {
            id[i] = header.get(4 + 15 - i);
        }
        long rbf = size - LEGACY_HEADER_LENGTH;
        if (rbf <= 0) {
            throw corrupt(file, "is a legacy bitstream with no RBF after its 20-byte header");
        }
        String interfaceId = HexFormat.of().formatHex(id);
        if (interfaceId.chars().allMatch(c -> c == '0')) {
            throw corrupt(file, "is a legacy bitstream whose PR interface ID is all zeros");
        }
        return new Gbs(
                0,
                interfaceId,
                Optional.empty(),
                Optional.empty(),
                Map.of(),
                Optional.empty(),
                Optional.of((long) LEGACY_MAGIC),
                Optional.empty(),
                0,
                LEGACY_HEADER_LENGTH,
                rbf);
    }

    private static Gbs parse(Path file, String text, long metadataLength, long bitstreamOffset, long bitstreamLength) {
        JsonNode root;
        try {
            root = JSON.readTree(text.replace("\0", "").strip());
        } catch (JsonProcessingException e) {
            throw corrupt(file, "has metadata that is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw corrupt(file, "has metadata that is not a JSON object");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.canConvertToInt() || !version.isIntegralNumber()) {
            throw corrupt(file, "has metadata without an integer \"version\"");
        }
        int metadataVersion = version.asInt();
        if (metadataVersion == 640 || metadataVersion == 650) {
            metadataVersion = 1; // libopae: BBS 6.4.0/6.5.0-era packagers wrote 640/650 for version 1
        }
        if (metadataVersion != 1) {
            throw corrupt(file, "has metadata version " + version.asInt() + "; OPAE knows version 1");
        }
        JsonNode image = root.get("afu-image");
        if (image == null || !image.isObject()) {
            throw corrupt(file, "has metadata without \"afu-image\"");
        }
        String interfaceUuid = uuid(image.get("interface-uuid"))
                .orElseThrow(() -> corrupt(file, "has no valid afu-image.interface-uuid"));

        // libbitstream/metadatav1.c: magic-no must be 0x1d1f8680; every accelerator cluster has an integer
        // total-contexts, a string name and a string accelerator-type-uuid.
        JsonNode magicNo = image.get("magic-no");
        if (magicNo == null || !magicNo.isIntegralNumber()) {
            throw corrupt(file, "has no integer afu-image.magic-no (libopae requires " + LEGACY_MAGIC + ")");
        }
        if (magicNo.asLong() != LEGACY_MAGIC) {
            throw corrupt(
                    file,
                    "has afu-image.magic-no " + magicNo.asLong() + "; libopae requires " + LEGACY_MAGIC
                            + " (0x1d1f8680)");
        }
        JsonNode clusters = image.get("accelerator-clusters");
        if (clusters == null || !clusters.isArray()) {
            throw corrupt(file, "has no afu-image.accelerator-clusters array");
        }
        for (int i = 0; i < clusters.size(); i++) {
            JsonNode cluster = clusters.get(i);
            String at = "afu-image.accelerator-clusters[" + i + "]";
            if (cluster == null || !cluster.isObject()) {
                throw corrupt(file, "has an " + at + " that is not an object");
            }
            if (!cluster.path("total-contexts").isIntegralNumber()) {
                throw corrupt(file, "has no integer " + at + ".total-contexts");
            }
            if (!cluster.path("name").isTextual()) {
                throw corrupt(file, "has no string " + at + ".name");
            }
            if (uuid(cluster.get("accelerator-type-uuid")).isEmpty()) {
                throw corrupt(
                        file,
                        "has no valid " + at + ".accelerator-type-uuid (was '"
                                + cluster.path("accelerator-type-uuid").asText() + "')");
            }
        }
        Optional<String> afuUuid =
                clusters.isEmpty() ? Optional.empty() : uuid(clusters.get(0).get("accelerator-type-uuid"));
        Optional<String> afuName = clusters.isEmpty()
                ? Optional.empty()
                : Optional.of(clusters.get(0).get("name").asText());
        Map<String, Double> clocks = new LinkedHashMap<>();
        clock(file, image, "clock-frequency-high", clocks);
        clock(file, image, "clock-frequency-low", clocks);
        Optional<Double> power = Optional.ofNullable(image.get("power"))
                .filter(JsonNode::isNumber)
                .map(JsonNode::asDouble);
        Optional<Long> magic = Optional.of(magicNo.asLong());
        Optional<String> platform = Optional.ofNullable(root.get("platform-name"))
                .filter(JsonNode::isTextual)
                .map(JsonNode::asText);
        return new Gbs(
                metadataVersion,
                interfaceUuid,
                afuUuid,
                afuName,
                clocks,
                power,
                magic,
                platform,
                metadataLength,
                bitstreamOffset,
                bitstreamLength);
    }

    private static void clock(Path file, JsonNode image, String key, Map<String, Double> clocks) {
        JsonNode node = image.get(key);
        if (node == null || node.isNull()) {
            return;
        }
        Double mhz = null;
        if (node.isNumber()) {
            mhz = node.asDouble();
        } else if (node.isTextual()) {
            var m = AUTO_CLOCK.matcher(node.asText().strip());
            if (!m.matches()) {
                throw corrupt(file, "has an invalid " + key + " '" + node.asText() + "'");
            }
            if (m.group(2) == null) {
                return; // "auto": chosen by the fitter, not recorded in the metadata
            }
            try {
                mhz = Double.parseDouble(m.group(2));
            } catch (NumberFormatException e) {
                throw corrupt(file, "has an invalid " + key + " '" + node.asText() + "'");
            }
        }
        if (mhz == null || !Double.isFinite(mhz) || mhz <= 0) {
            throw corrupt(file, "has an invalid " + key + " '" + node + "'");
        }
        clocks.put(key, mhz);
    }

    private static Optional<String> uuid(JsonNode node) {
        if (node == null || !node.isTextual()) {
            return Optional.empty();
        }
        String text = node.asText().strip();
        return UUID.matcher(text).matches()
                ? Optional.of(text.replace("-", "").toLowerCase(Locale.ROOT))
                : Optional.empty();
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            at += n;
        }
        buffer.flip();
    }

    private static BackendException corrupt(Path file, String what) {
        return new BackendException(Kind.CORRUPT_IMAGE, "GBS " + file + " " + what);
    }
}
