package org.hwpersonality.backend.intel.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes GBS files the way the OPAE packager does ({@code tools/extra/packager/metadata/metadata.py}
 * {@code get_metadata} and {@code gbs.py} {@code write_gbs}): the 16-byte GUID "XeonFPGA\xb7GBSv001", the JSON
 * length as {@code struct.pack("<I", len)}, the JSON as {@code json.dumps} writes it, then the RBF.
 */
final class GbsWriter {
    private GbsWriter() {}

    /** {@code json.dumps} of a typical packager input (keys and separators as Python prints them). */
    static String metadata(String interfaceUuid, String afuUuid, String high, String low) {
        return "{\"version\": 1, \"afu-image\": {\"clock-frequency-high\": " + high
                + ", \"clock-frequency-low\": " + low
                + ", \"power\": 50, \"interface-uuid\": \"" + interfaceUuid + "\", \"magic-no\": 488605312,"
                + " \"accelerator-clusters\": [{\"total-contexts\": 1, \"name\": \"nlb_400\","
                + " \"accelerator-type-uuid\": \"" + afuUuid + "\"}]}, \"platform-name\": \"PAC_A10\"}";
    }

    static Path write(Path file, String json, byte[] rbf) throws IOException {
        byte[] meta = json.getBytes(StandardCharsets.UTF_8);
        return write(file, Gbs.GUID, meta.length, meta, rbf);
    }

    /** Every field under the caller's control, to make broken files. */
    static Path write(Path file, byte[] guid, long declaredLength, byte[] meta, byte[] rbf) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(guid);
        out.write(ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt((int) declaredLength)
                .array());
        out.write(meta);
        out.write(rbf);
        Files.write(file, out.toByteArray());
        return file;
    }

    static byte[] rbf(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }
}
