package org.hwpersonality.api.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hwpersonality.api.Rejections.assertRejected;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.device.RegionKind;
import org.junit.jupiter.api.Test;

class SimImageTest {
    private final SimImage image = new SimImage(
            "zstd-u250",
            "xilinx",
            "alveo-u250",
            Optional.empty(),
            RegionKind.PARTIAL,
            100_000,
            Map.of("compression", new PerformanceFigures(42, 150, 45)));

    @Test
    void writesDeterministicallyAndReadsBack() {
        byte[] bytes = image.bytes();
        assertThat(image.bytes()).isEqualTo(bytes);
        assertThat(bytes.length).isGreaterThan(100_000 + 32);
        assertThat(SimImage.read(new ByteArrayInputStream(bytes))).isEqualTo(image);
        assertThat(SimImage.read(new ByteArrayInputStream(bytes))
                        .performance()
                        .get("compression")
                        .latencyUs())
                .isEqualTo(150);
        SimImage withShell = new SimImage(
                "x", "sim", "f", Optional.of("8C2E0B3A-9D4F-4E1B-8A6C-5D7E9F0A1B2C"), RegionKind.FULL, 1, Map.of());
        assertThat(SimImage.read(new ByteArrayInputStream(withShell.bytes())).interfaceId())
                .contains("8c2e0b3a9d4f4e1b8a6c5d7e9f0a1b2c");
        assertThat(new SimImage(
                                "zstd-u250",
                                "xilinx",
                                "alveo-u55c",
                                Optional.empty(),
                                RegionKind.PARTIAL,
                                100_000,
                                image.performance())
                        .bytes())
                .isNotEqualTo(bytes);
    }

    @Test
    void refusesCorruptTruncatedAndForeignImages() {
        byte[] bytes = image.bytes();
        byte[] flipped = bytes.clone();
        flipped[5000] ^= 1;
        assertReadFails(flipped, "SHA-256 trailer does not match");
        assertReadFails(Arrays.copyOf(bytes, bytes.length - 1), "is truncated");
        assertReadFails(Arrays.copyOf(bytes, bytes.length + 1), "bytes after its SHA-256 trailer");
        assertReadFails("xclbin2\0\0\0\0\0\0\0\0".getBytes(), "no HWPSIM01 magic");
        assertReadFails(new byte[3], "is truncated");
    }

    private static void assertReadFails(byte[] bytes, String reason) {
        assertThatThrownBy(() -> SimImage.read(new ByteArrayInputStream(bytes)))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("image: ")
                .hasMessageContaining(reason);
    }

    @Test
    void fieldRules() {
        assertRejected(
                () -> new SimImage("x", "sim", "f", Optional.empty(), RegionKind.FULL, 0, Map.of()),
                "payloadBytes",
                "greater than zero");
        assertRejected(
                () -> new SimImage("x", "Sim", "f", Optional.empty(), RegionKind.FULL, 1, Map.of()),
                "vendor",
                "lower-case");
        assertRejected(
                () -> new SimImage("x", "sim", "f", Optional.of("nope"), RegionKind.FULL, 1, Map.of()),
                "interfaceId",
                "UUID");
        assertRejected(
                () -> new SimImage(
                        "x", "sim", "f", Optional.empty(), RegionKind.FULL, 1, Map.of(), Map.of("kernel", 0.0)),
                "clocksMhz.kernel",
                "greater than zero");
    }

    @Test
    void declaredClocksAreWrittenAndReadBack() {
        SimImage clocked = new SimImage(
                "zstd-u250",
                "xilinx",
                "alveo-u250",
                Optional.empty(),
                RegionKind.PARTIAL,
                1_000,
                image.performance(),
                Map.of("kernel", 300.0, "data", 150.0));
        byte[] bytes = clocked.bytes();
        assertThat(new String(bytes, 0, 300, java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("clock.data=150.0\nclock.kernel=300.0\n");
        assertThat(SimImage.read(new ByteArrayInputStream(bytes)).clocksMhz())
                .isEqualTo(Map.of("kernel", 300.0, "data", 150.0));
        // A header whose clock is no number is refused with the reason.
        String header = "name=x\nvendor=sim\nfamily=f\nregionKind=FULL\npayloadBytes=1\nclock.kernel=fast\n";
        assertReadFails(withHeader(header), "the clocks must be numbers");
        assertReadFails(withHeader(header.replace("fast", "-5")), "clocksMhz.kernel");
    }

    /** An image with this header, a one-byte payload and a correct trailer. */
    private static byte[] withHeader(String header) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] h = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write(SimImage.MAGIC);
            out.write(java.nio.ByteBuffer.allocate(4).putInt(h.length).array());
            out.write(h);
            out.write(7);
            out.write(java.security.MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
