package org.hwpersonality.backend.intel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.hwpersonality.api.backend.BackendException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GbsTest {
    static final String A10_FIM = "38d782e3-b612-5343-b934-2433e348ac4c";
    static final String NLB0 = "d8424dc4-a4a3-c413-f89e-433683f9040b";

    @TempDir
    Path dir;

    @Test
    void readsThePackagerLayout() throws Exception {
        Path file = GbsWriter.write(
                dir.resolve("nlb.gbs"), GbsWriter.metadata(A10_FIM, NLB0, "312", "156"), GbsWriter.rbf(4096));

        Gbs gbs = Gbs.read(file);

        assertThat(Files.readAllBytes(file)).startsWith("XeonFPGA".getBytes(StandardCharsets.US_ASCII));
        assertThat(gbs.metadataVersion()).isEqualTo(1);
        assertThat(gbs.interfaceUuid()).isEqualTo("38d782e3b6125343b9342433e348ac4c");
        assertThat(gbs.afuUuid()).contains("d8424dc4a4a3c413f89e433683f9040b");
        assertThat(gbs.afuName()).contains("nlb_400");
        assertThat(gbs.clocksMhz()).isEqualTo(Map.of("clock-frequency-high", 312.0, "clock-frequency-low", 156.0));
        assertThat(gbs.powerWatts()).contains(50.0);
        assertThat(gbs.magicNo()).contains(0x1d1f8680L);
        assertThat(gbs.platformName()).contains("PAC_A10");
        assertThat(gbs.bitstreamLength()).isEqualTo(4096);
        assertThat(gbs.bitstreamOffset()).isEqualTo(Files.size(file) - 4096);
    }

    @Test
    void acceptsVersionAliasAndAutoClocks() throws Exception {
        String json = GbsWriter.metadata(A10_FIM, NLB0, "\"auto-322.265625\"", "\"auto\"")
                .replace("\"version\": 1", "\"version\": 640");
        Gbs gbs = Gbs.read(GbsWriter.write(dir.resolve("auto.gbs"), json, GbsWriter.rbf(10)));

        assertThat(gbs.metadataVersion()).isEqualTo(1);
        assertThat(gbs.clocksMhz()).isEqualTo(Map.of("clock-frequency-high", 322.265625));
    }

    @Test
    void refusesAWrongGuid() throws Exception {
        byte[] guid = Arrays.copyOf(Gbs.GUID, 16);
        guid[15] = '2'; // "GBSv002"
        byte[] meta = GbsWriter.metadata(A10_FIM, NLB0, "312", "156").getBytes(StandardCharsets.UTF_8);
        Path file = GbsWriter.write(dir.resolve("guid.gbs"), guid, meta.length, meta, GbsWriter.rbf(16));

        assertCorrupt(file, "GBS GUID 58656f6e-4650-4741-b747-425376303031");
    }

    /**
     * The legacy layout libopae still loads (libbitstream/bitstream.h {@code opae_legacy_bitstream_header}: the
     * magic, then the PR interface ID stored backwards), here with the PAC A10 FIM's interface ID.
     */
    @Test
    void readsALegacyBitstream() throws Exception {
        byte[] id = java.util.HexFormat.of().parseHex(A10_FIM.replace("-", ""));
        ByteBuffer legacy =
                ByteBuffer.allocate(20 + 4096).order(ByteOrder.LITTLE_ENDIAN).putInt(0x1d1f8680);
        for (int i = 15; i >= 0; i--) {
            legacy.put(id[i]);
        }
        legacy.put(GbsWriter.rbf(4096));
        Gbs gbs = Gbs.read(Files.write(dir.resolve("legacy.gbs"), legacy.array()));

        assertThat(gbs.metadataVersion()).isZero();
        assertThat(gbs.interfaceUuid()).isEqualTo(A10_FIM.replace("-", ""));
        assertThat(gbs.afuUuid()).isEmpty();
        assertThat(gbs.bitstreamOffset()).isEqualTo(20);
        assertThat(gbs.bitstreamLength()).isEqualTo(4096);

        ByteBuffer empty =
                ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putInt(0x1d1f8680);
        empty.put(id);
        assertCorrupt(Files.write(dir.resolve("legacy-empty.gbs"), empty.array()), "no RBF");
    }

    /** libbitstream/metadatav1.c: what libopae refuses in version-1 metadata, refused at upload with the key. */
    @Test
    void refusesMetadataLibopaeRefuses() throws Exception {
        String good = GbsWriter.metadata(A10_FIM, NLB0, "312", "156");
        assertCorrupt(gbs("nomagic", good.replace("\"magic-no\": 488605312,", "")), "no integer afu-image.magic-no");
        assertCorrupt(
                gbs("badmagic", good.replace("488605312", "488605313")),
                "afu-image.magic-no 488605313; libopae requires 488605312 (0x1d1f8680)");
        assertCorrupt(
                gbs("noclusters", good.replace("\"accelerator-clusters\"", "\"clusters\"")),
                "no afu-image.accelerator-clusters array");
        assertCorrupt(
                gbs("nocontexts", good.replace("\"total-contexts\": 1, ", "")),
                "no integer afu-image.accelerator-clusters[0].total-contexts");
        assertCorrupt(
                gbs("noname", good.replace("\"name\": \"nlb_400\",", "")),
                "no string afu-image.accelerator-clusters[0].name");
        assertCorrupt(
                gbs("noafu", good.replace(NLB0, "nlb0")),
                "no valid afu-image.accelerator-clusters[0].accelerator-type-uuid (was 'nlb0')");
    }

    private Path gbs(String name, String json) throws Exception {
        return GbsWriter.write(dir.resolve(name + ".gbs"), json, GbsWriter.rbf(64));
    }

    @Test
    void refusesAMetadataLengthPastTheEnd() throws Exception {
        byte[] meta = GbsWriter.metadata(A10_FIM, NLB0, "312", "156").getBytes(StandardCharsets.UTF_8);
        Path truncated = GbsWriter.write(
                dir.resolve("truncated.gbs"), Gbs.GUID, meta.length, Arrays.copyOf(meta, meta.length / 2), new byte[0]);
        Path huge = GbsWriter.write(dir.resolve("huge.gbs"), Gbs.GUID, 0xFFFF_FFF0L, meta, GbsWriter.rbf(8));

        assertCorrupt(truncated, "declares " + meta.length + " bytes of metadata");
        assertCorrupt(huge, "declares 4294967280 bytes of metadata");
    }

    @Test
    void refusesMetadataThatIsNotJson() throws Exception {
        Path file = GbsWriter.write(dir.resolve("json.gbs"), "{\"version\": 1, \"afu-image\": {", GbsWriter.rbf(8));

        assertCorrupt(file, "not JSON");
    }

    @Test
    void refusesMetadataWithoutInterfaceUuid() throws Exception {
        String json = GbsWriter.metadata(A10_FIM, NLB0, "312", "156").replace("\"interface-uuid\"", "\"iface\"");
        Path missing = GbsWriter.write(dir.resolve("noif.gbs"), json, GbsWriter.rbf(8));
        Path invalid = GbsWriter.write(
                dir.resolve("badif.gbs"), GbsWriter.metadata("not-a-uuid", NLB0, "312", "156"), GbsWriter.rbf(8));
        Path empty = GbsWriter.write(dir.resolve("nometa.gbs"), "", GbsWriter.rbf(8));

        assertCorrupt(missing, "interface-uuid");
        assertCorrupt(invalid, "interface-uuid");
        assertCorrupt(empty, "no metadata");
    }

    @Test
    void refusesAnEmptyBitstreamAndAShortFile() throws Exception {
        Path noRbf =
                GbsWriter.write(dir.resolve("norbf.gbs"), GbsWriter.metadata(A10_FIM, NLB0, "312", "156"), new byte[0]);
        Path shortFile = Files.write(dir.resolve("short.gbs"), Arrays.copyOf(Gbs.GUID, 10));

        assertCorrupt(noRbf, "no bitstream");
        assertCorrupt(shortFile, "shorter than");
        assertCorrupt(dir.resolve("absent.gbs"), "does not exist");
    }

    private static void assertCorrupt(Path file, String text) {
        assertThatThrownBy(() -> Gbs.read(file))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining(text)
                .extracting(e -> ((BackendException) e).kind())
                .isEqualTo(BackendException.Kind.CORRUPT_IMAGE);
    }
}
