package org.hwpersonality.artifacts.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Writes real ustar archives (with GNU and pax extensions) for tests, then gzips them. */
final class TarBuilder {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** One header; fields left at their defaults produce a plain ustar header. */
    static final class Header {
        String name = "";
        String prefix = "";
        char type = '0';
        long size;
        String link = "";
        boolean base256Size;
        boolean badChecksum;

        Header(String name, char type) {
            this.name = name;
            this.type = type;
        }
    }

    // ---- plain entries; names longer than 100 bytes go through a GNU 'L' record, long link names through 'K'

    TarBuilder file(String name, byte[] data) {
        return entry(new Header(name, '0'), data);
    }

    TarBuilder file(String name, String text) {
        return file(name, text.getBytes(StandardCharsets.UTF_8));
    }

    TarBuilder dir(String name) {
        return entry(new Header(name, '5'), new byte[0]);
    }

    TarBuilder symlink(String name, String target) {
        Header h = new Header(name, '2');
        h.link = target;
        return entry(h, new byte[0]);
    }

    TarBuilder hardlink(String name, String target) {
        Header h = new Header(name, '1');
        h.link = target;
        return entry(h, new byte[0]);
    }

    TarBuilder special(String name, char type) {
        return entry(new Header(name, type), new byte[0]);
    }

    /** Writes GNU long-name/long-link records as needed, then the header and the padded data. */
    TarBuilder entry(Header h, byte[] data) {
        if (utf8(h.name).length > 100) {
            gnuLong('L', h.name);
            h.name = truncate(h.name, 100);
        }
        if (utf8(h.link).length > 100) {
            gnuLong('K', h.link);
            h.link = truncate(h.link, 100);
        }
        if (h.size == 0) {
            h.size = data.length;
        }
        return header(h).data(data);
    }

    /** A pax extended header ('x') for the next entry, or a global one ('g'). */
    TarBuilder pax(char type, Map<String, String> records) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> r : records.entrySet()) {
            byte[] kv = utf8(" " + r.getKey() + "=" + r.getValue() + "\n");
            int len = kv.length + 1;
            while (len != String.valueOf(len).length() + kv.length) {
                len = String.valueOf(len).length() + kv.length;
            }
            body.writeBytes(utf8(String.valueOf(len)));
            body.writeBytes(kv);
        }
        byte[] data = body.toByteArray();
        Header h = new Header("PaxHeaders/entry", type);
        h.size = data.length;
        return header(h).data(data);
    }

    /** Writes exactly one 512-byte header. */
    TarBuilder header(Header h) {
        byte[] b = new byte[512];
        put(b, 0, 100, h.name);
        octal(b, 100, 8, 0644);
        octal(b, 108, 8, 0);
        octal(b, 116, 8, 0);
        if (h.base256Size) {
            b[124] = (byte) 0x80;
            long v = h.size;
            for (int i = 135; i > 124; i--) {
                b[i] = (byte) (v & 0xff);
                v >>>= 8;
            }
        } else {
            octal(b, 124, 12, h.size);
        }
        octal(b, 136, 12, 1_700_000_000L);
        b[156] = (byte) h.type;
        put(b, 157, 100, h.link);
        put(b, 257, 6, "ustar\0");
        put(b, 263, 2, "00");
        put(b, 265, 32, "root");
        put(b, 297, 32, "root");
        put(b, 345, 155, h.prefix);
        Arrays.fill(b, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte x : b) {
            sum += x & 0xff;
        }
        if (h.badChecksum) {
            sum += 1;
        }
        byte[] ck = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ck, 0, b, 148, 6);
        b[154] = 0;
        b[155] = ' ';
        out.writeBytes(b);
        return this;
    }

    /** Content bytes padded to a 512-byte boundary. */
    TarBuilder data(byte[] data) {
        out.writeBytes(data);
        int pad = (512 - data.length % 512) % 512;
        out.writeBytes(new byte[pad]);
        return this;
    }

    /** Arbitrary bytes (e.g. a garbage block). */
    TarBuilder raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** The tar so far, followed by the two zero blocks that end an archive. */
    byte[] tar() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(out.toByteArray());
        all.writeBytes(new byte[1024]);
        return all.toByteArray();
    }

    /** The tar so far, without end-of-archive blocks. */
    byte[] tarWithoutEnd() {
        return out.toByteArray();
    }

    Path writeTarGz(Path file) {
        return write(file, gzip(tar()));
    }

    static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buf.toByteArray();
    }

    private void gnuLong(char type, String value) {
        byte[] data = Arrays.copyOf(utf8(value), utf8(value).length + 1); // NUL-terminated
        Header h = new Header("././@LongLink", type);
        h.size = data.length;
        header(h).data(data);
    }

    private static String truncate(String s, int bytes) {
        byte[] b = utf8(s);
        return new String(b, 0, Math.min(bytes, b.length), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void put(byte[] b, int off, int len, String s) {
        byte[] v = utf8(s);
        if (v.length > len) {
            throw new IllegalArgumentException("field too long: " + s);
        }
        System.arraycopy(v, 0, b, off, v.length);
    }

    private static void octal(byte[] b, int off, int len, long value) {
        String s = String.format("%0" + (len - 1) + "o", value);
        if (s.length() > len - 1) {
            throw new IllegalArgumentException("value too large for octal field: " + value);
        }
        put(b, off, len, s); // followed by the NUL already in the zeroed buffer
    }
}
