package org.hwpersonality.artifacts.archive;

import static org.hwpersonality.artifacts.archive.DriverArchive.entry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import org.hwpersonality.artifacts.archive.DriverArchive.Limits;

/**
 * Counts (and CRCs) the bytes that pass; optionally refuses, as soon as it happens, expanding more than the
 * compression-ratio limit allows over the compressed bytes read so far.
 */
final class MeteredStream extends FilterInputStream {
    private final CRC32 crc = new CRC32();
    private long count;
    private Supplier<String> entryName;
    private LongSupplier compressed;
    private long ratio;

    MeteredStream(InputStream in) {
        super(in);
    }

    /** Refuses expanding to more than {@code limits.maxCompressionRatio()} times {@code compressed} (plus an allowance). */
    MeteredStream limitRatio(Supplier<String> entryName, LongSupplier compressed, Limits limits) {
        this.entryName = entryName;
        this.compressed = compressed;
        this.ratio = limits.maxCompressionRatio();
        return this;
    }

    long count() {
        return count;
    }

    long crc() {
        return crc.getValue();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            count += n;
            crc.update(b, off, n);
            if (compressed != null && count > DriverArchive.RATIO_ALLOWANCE) {
                long base = Math.max(1, compressed.getAsLong());
                if (count > base * ratio) {
                    throw entry(
                            entryName.get(),
                            "expands more than " + ratio + " times its compressed size (" + count + " bytes from "
                                    + base + "): refused as a compression bomb");
                }
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(8192, Math.max(1, n))];
        long left = n;
        while (left > 0) {
            int r = read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                break;
            }
            left -= r;
        }
        return n - left;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
