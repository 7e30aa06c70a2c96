package org.hwpersonality.artifacts.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Byte-level edits of a zip for hostile-archive tests: a zip is its local area (local headers and data), its
 * central-directory records, and the end record, which {@link #bytes()} recomputes. Archives without a comment or
 * zip64 records only (which is what {@link #of} writes).
 */
final class ZipSurgery {
    private static final int CENTRAL = 0x02014b50;
    private static final int END = 0x06054b50;

    final byte[] local;
    final List<byte[]> central;

    private ZipSurgery(byte[] local, List<byte[]> central) {
        this.local = local;
        this.central = central;
    }

    /** A zip written by Java's ZipOutputStream from (name, content) pairs; stored (not compressed) if {@code stored}. */
    static byte[] zip(boolean stored, Object... nameContent) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(buf, StandardCharsets.UTF_8)) {
            for (int i = 0; i < nameContent.length; i += 2) {
                byte[] data = nameContent[i + 1] instanceof String s
                        ? s.getBytes(StandardCharsets.UTF_8)
                        : (byte[]) nameContent[i + 1];
                ZipEntry e = new ZipEntry((String) nameContent[i]);
                if (stored) {
                    CRC32 crc = new CRC32();
                    crc.update(data);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(data.length);
                    e.setCompressedSize(data.length);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(data);
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toByteArray();
    }

    static ZipSurgery of(byte[] zip) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int end = zip.length - 22;
        if (b.getInt(end) != END) {
            throw new IllegalArgumentException("no end record (a comment?)");
        }
        int count = b.getShort(end + 10) & 0xffff;
        int cdOffset = b.getInt(end + 16);
        List<byte[]> records = new ArrayList<>();
        int p = cdOffset;
        for (int i = 0; i < count; i++) {
            if (b.getInt(p) != CENTRAL) {
                throw new IllegalArgumentException("bad central record at " + p);
            }
            int len =
                    46 + (b.getShort(p + 28) & 0xffff) + (b.getShort(p + 30) & 0xffff) + (b.getShort(p + 32) & 0xffff);
            records.add(Arrays.copyOfRange(zip, p, p + len));
            p += len;
        }
        return new ZipSurgery(Arrays.copyOf(zip, cdOffset), new ArrayList<>(records));
    }

    static String name(byte[] record) {
        int n = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).getShort(28) & 0xffff;
        return new String(record, 46, n, StandardCharsets.UTF_8);
    }

    byte[] record(String name) {
        return central.stream().filter(r -> name(r).equals(name)).findFirst().orElseThrow();
    }

    static long localOffset(byte[] record) {
        return ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).getInt(42) & 0xffffffffL;
    }

    static byte[] withLocalOffset(byte[] record, long offset) {
        byte[] copy = record.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(42, (int) offset);
        return copy;
    }

    /** Where the data of the entry whose local header is at {@code headerOffset} starts. */
    int dataOffset(long headerOffset) {
        ByteBuffer b = ByteBuffer.wrap(local).order(ByteOrder.LITTLE_ENDIAN);
        int at = (int) headerOffset;
        return at + 30 + (b.getShort(at + 26) & 0xffff) + (b.getShort(at + 28) & 0xffff);
    }

    /** The zip: local area, central records, and a new end record. */
    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(local);
        int size = 0;
        for (byte[] r : central) {
            out.writeBytes(r);
            size += r.length;
        }
        ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        end.putInt(END).putShort((short) 0).putShort((short) 0);
        end.putShort((short) central.size()).putShort((short) central.size());
        end.putInt(size).putInt(local.length).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }

    /** {@code zip} with the first occurrence of {@code from} replaced by {@code to} (same length). */
    static byte[] replaceFirst(byte[] zip, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        if (f.length != t.length) {
            throw new IllegalArgumentException("same length only");
        }
        for (int i = 0; i + f.length <= zip.length; i++) {
            if (Arrays.equals(zip, i, i + f.length, f, 0, f.length)) {
                byte[] copy = zip.clone();
                System.arraycopy(t, 0, copy, i, t.length);
                return copy;
            }
        }
        throw new IllegalArgumentException(from + " not found");
    }
}
