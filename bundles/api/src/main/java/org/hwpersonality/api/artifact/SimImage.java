package org.hwpersonality.api.artifact;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.internal.Checks;

/**
 * The programming-image format of HWP's simulated FPGA devices ({@link ImageFormat#SIM}). Like a real
 * bitstream container it declares what it was built for and carries a configuration payload whose size
 * drives the programming time of the simulator:
 *
 * <pre>
 * "HWPSIM01"            8 bytes magic
 * header length         4 bytes, big-endian, at most 64 KiB
 * header                UTF-8 lines key=value: name, vendor, family, interfaceId (optional), regionKind, payloadBytes,
 *                       per workload the figures the design delivers: performance.WORKLOAD=GOPS,µs,W, and
 *                       the clocks it was built for, at which it delivers them: clock.NAME=MHz (optional)
 * payload               payloadBytes bytes of configuration frames (pseudo-random, seeded by the name)
 * SHA-256               32 bytes over everything before it, so truncation and corruption are detected
 * </pre>
 */
public record SimImage(
        String name,
        String vendor,
        String family,
        Optional<String> interfaceId,
        RegionKind regionKind,
        long payloadBytes,
        Map<String, PerformanceFigures> performance,
        Map<String, Double> clocksMhz) {
    public static final byte[] MAGIC = "HWPSIM01".getBytes(StandardCharsets.US_ASCII);
    public static final long MAX_PAYLOAD = 1L << 32;
    private static final int MAX_HEADER = 64 * 1024;

    public SimImage {
        Checks.id("name", name);
        Checks.name("vendor", vendor);
        Checks.id("family", family);
        interfaceId = Checks.notNull("interfaceId", interfaceId).map(i -> Checks.interfaceId("interfaceId", i));
        Checks.notNull("regionKind", regionKind);
        Checks.positive("payloadBytes", payloadBytes);
        Checks.atMost("payloadBytes", payloadBytes, MAX_PAYLOAD);
        Checks.notNull("performance", performance);
        performance.forEach((w, f) -> {
            Checks.name("performance key", w);
            Checks.notNull("performance." + w, f);
        });
        performance = Map.copyOf(new TreeMap<>(performance));
        Checks.notNull("clocksMhz", clocksMhz);
        clocksMhz.forEach((c, mhz) -> {
            Checks.id("clocksMhz key", c);
            Checks.atMost("clocksMhz." + c, Checks.positive("clocksMhz." + c, mhz), 2000);
        });
        clocksMhz = Map.copyOf(clocksMhz);
    }

    /** An image that declares no clocks. */
    public SimImage(
            String name,
            String vendor,
            String family,
            Optional<String> interfaceId,
            RegionKind regionKind,
            long payloadBytes,
            Map<String, PerformanceFigures> performance) {
        this(name, vendor, family, interfaceId, regionKind, payloadBytes, performance, Map.of());
    }

    /** Writes the image; the same image always gives the same bytes. */
    public void write(OutputStream out) {
        MessageDigest sha = sha256();
        try {
            DigestOutputStream digest = new DigestOutputStream(out, sha);
            byte[] header = header().getBytes(StandardCharsets.UTF_8);
            digest.write(MAGIC);
            digest.write(new byte[] {
                (byte) (header.length >>> 24),
                (byte) (header.length >>> 16),
                (byte) (header.length >>> 8),
                (byte) header.length
            });
            digest.write(header);
            SplittableRandom random = new SplittableRandom(name.hashCode() * 31L + family.hashCode());
            byte[] frame = new byte[64 * 1024];
            for (long left = payloadBytes; left > 0; left -= frame.length) {
                for (int i = 0; i < frame.length; i += 8) {
                    long v = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        frame[i + b] = (byte) (v >>> (8 * b));
                    }
                }
                digest.write(frame, 0, (int) Math.min(frame.length, left));
            }
            out.write(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The image's bytes (for small images). */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out);
        return out.toByteArray();
    }

    private String header() {
        StringBuilder h = new StringBuilder();
        h.append("name=").append(name).append('\n');
        h.append("vendor=").append(vendor).append('\n');
        h.append("family=").append(family).append('\n');
        interfaceId.ifPresent(id -> h.append("interfaceId=").append(id).append('\n'));
        h.append("regionKind=").append(regionKind).append('\n');
        h.append("payloadBytes=").append(payloadBytes).append('\n');
        new TreeMap<>(performance)
                .forEach((w, f) -> h.append("performance.")
                        .append(w)
                        .append('=')
                        .append(f.throughputGops())
                        .append(',')
                        .append(f.latencyUs())
                        .append(',')
                        .append(f.powerWatts())
                        .append('\n'));
        new TreeMap<>(clocksMhz)
                .forEach((c, mhz) ->
                        h.append("clock.").append(c).append('=').append(mhz).append('\n'));
        return h.toString();
    }

    /**
     * Reads and checks an image: magic, header, the exact length and the trailing SHA-256. Anything else is
     * refused with a reason (field {@code image}).
     */
    public static SimImage read(InputStream in) {
        MessageDigest sha = sha256();
        try {
            DataInputStream data = new DataInputStream(in);
            byte[] magic = new byte[MAGIC.length];
            data.readFully(magic);
            sha.update(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new ValidationException("image", "is not a simulated-device image (no HWPSIM01 magic)");
            }
            int length = data.readInt();
            sha.update(
                    new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
            if (length <= 0 || length > MAX_HEADER) {
                throw new ValidationException("image", "has a header length of " + length + " bytes");
            }
            byte[] header = new byte[length];
            data.readFully(header);
            sha.update(header);
            SimImage image = parse(new String(header, StandardCharsets.UTF_8));
            byte[] buffer = new byte[64 * 1024];
            for (long left = image.payloadBytes; left > 0; ) {
                int n = data.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException();
                }
                sha.update(buffer, 0, n);
                left -= n;
            }
            byte[] trailer = new byte[32];
            data.readFully(trailer);
            if (!Arrays.equals(trailer, sha.digest())) {
                throw new ValidationException("image", "is corrupt: its SHA-256 trailer does not match its content");
            }
            if (data.read() != -1) {
                throw new ValidationException("image", "has bytes after its SHA-256 trailer");
            }
            return image;
        } catch (EOFException e) {
            throw new ValidationException("image", "is truncated");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SimImage parse(String header) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : header.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0 || fields.put(line.substring(0, eq), line.substring(eq + 1)) != null) {
                throw new ValidationException("image", "has a malformed header line '" + line + "'");
            }
        }
        try {
            Map<String, PerformanceFigures> performance = new TreeMap<>();
            Map<String, Double> clocks = new TreeMap<>();
            fields.forEach((k, v) -> {
                if (k.startsWith("clock.")) {
                    clocks.put(k.substring("clock.".length()), Double.parseDouble(v));
                }
                if (k.startsWith("performance.")) {
                    String[] f = v.split(",");
                    if (f.length != 3) {
                        throw new IllegalArgumentException(k + " must be GOPS,µs,W");
                    }
                    performance.put(
                            k.substring("performance.".length()),
                            new PerformanceFigures(
                                    Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])));
                }
            });
            return new SimImage(
                    fields.get("name"),
                    fields.get("vendor"),
                    fields.get("family"),
                    Optional.ofNullable(fields.get("interfaceId")),
                    RegionKind.valueOf(String.valueOf(fields.get("regionKind"))),
                    Long.parseLong(String.valueOf(fields.get("payloadBytes"))),
                    performance,
                    clocks);
        } catch (NumberFormatException e) {
            throw new ValidationException(
                    "image",
                    "has an invalid header: payloadBytes, the performance figures and the clocks must be numbers");
        } catch (ValidationException e) {
            throw new ValidationException("image", "has an invalid header: " + e.field() + " " + e.reason());
        } catch (IllegalArgumentException e) {
            throw new ValidationException(
                    "image",
                    "has an invalid header: regionKind must be one of "
                            + java.util.Arrays.toString(RegionKind.values()));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
