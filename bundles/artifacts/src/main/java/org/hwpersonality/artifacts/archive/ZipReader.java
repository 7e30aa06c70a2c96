package org.hwpersonality.artifacts.archive;

import static org.hwpersonality.artifacts.archive.DriverArchive.entry;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.hwpersonality.artifacts.archive.DriverArchive.Limits;

/**
 * Reads a zip as unzip does, from its central directory, and checks that a reader going through the local headers
 * one after the other (as streaming tools and Java's own ZipInputStream do) sees exactly the same entries: same names,
 * methods, sizes and CRCs, none hidden between or inside others. Special Unix modes are refused.
 */
final class ZipReader {
    private static final int LOCAL_HEADER = 0x04034b50;
    private static final int S_IFMT = 0170000;

    private ZipReader() {}

    static void read(Path archive, EntryCollector c, Limits limits) throws IOException {
        List<ZipArchiveEntry> central;
        try (ZipFile zip = ZipFile.builder()
                .setPath(archive)
                .setCharset(StandardCharsets.UTF_8)
                .setUseUnicodeExtraFields(true)
                .get()) {
            central = Collections.list(zip.getEntriesInPhysicalOrder());
            try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.READ)) {
                long previousEnd = 0;
                String previous = null;
                for (ZipArchiveEntry e : central) {
                    c.count(e.getName());
                    long offset = e.getLocalHeaderOffset();
                    if (previous != null && offset < previousEnd) {
                        throw entry(
                                e.getName(),
                                "is listed only in the central directory: its local header lies inside the data of '"
                                        + previous + "'");
                    }
                    long dataStart = checkLocalHeader(channel, e);
                    previousEnd = dataStart + e.getCompressedSize();
                    previous = e.getName();
                    checkMode(e);
                }
            }
            for (ZipArchiveEntry e : central) {
                readEntry(zip, e, c, limits);
            }
        }
        compareWithLocalHeaders(archive, central);
    }

    /** The local header at the entry's offset: present, same name and method. Returns where its data starts. */
    private static long checkLocalHeader(FileChannel channel, ZipArchiveEntry e) throws IOException {
        ByteBuffer fixed = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, fixed, e.getLocalHeaderOffset());
        if (fixed.getInt(0) != LOCAL_HEADER) {
            throw entry(e.getName(), "is listed only in the central directory: no local header at its offset");
        }
        int method = fixed.getShort(8) & 0xffff;
        int nameLength = fixed.getShort(26) & 0xffff;
        int extraLength = fixed.getShort(28) & 0xffff;
        ByteBuffer name = ByteBuffer.allocate(nameLength);
        readFully(channel, name, e.getLocalHeaderOffset() + 30);
        if (!Arrays.equals(name.array(), e.getRawName())) {
            throw entry(
                    e.getName(),
                    "the central directory names it '" + e.getName() + "' but its local header '"
                            + new String(name.array(), StandardCharsets.UTF_8) + "'");
        }
        if (method != e.getMethod()) {
            throw entry(
                    e.getName(),
                    "its local header gives compression method " + method + ", the central directory " + e.getMethod());
        }
        return e.getLocalHeaderOffset() + 30 + nameLength + extraLength;
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into, position + into.position());
            if (n < 0) {
                throw new EOFException();
            }
        }
    }

    /** Unix file types other than a regular file or a directory (as unzip would create them) are refused. */
    private static void checkMode(ZipArchiveEntry e) {
        if (e.getPlatform() != ZipArchiveEntry.PLATFORM_UNIX) {
            return; // unzip applies no Unix mode from other systems
        }
        int type = e.getUnixMode() & S_IFMT;
        String what = switch (type) {
            case 0, 0100000 -> null;
            case 0040000 -> e.isDirectory() ? null : "has a directory mode but a file name (no trailing '/')";
            case 0120000 -> "is a symbolic link (Unix mode " + Integer.toOctalString(e.getUnixMode()) + ")";
            case 0020000 -> "is a character device";
            case 0060000 -> "is a block device";
            case 0010000 -> "is a FIFO";
            case 0140000 -> "is a socket";
            default -> "has an unknown Unix file type " + Integer.toOctalString(type);
        };
        if (what != null) {
            throw entry(e.getName(), what);
        }
        if (type == 0100000 && e.isDirectory()) {
            throw entry(e.getName(), "has a regular-file mode but a directory name");
        }
    }

    private static void readEntry(ZipFile zip, ZipArchiveEntry e, EntryCollector c, Limits limits) throws IOException {
        String raw = e.getName();
        if (!zip.canReadEntryData(e)) {
            throw entry(raw, "is encrypted or uses an unsupported compression method " + e.getMethod());
        }
        for (byte b : e.getRawName()) {
            if (b == '\\') { // the library (like unzip) reads it as '/' in archives made on Windows
                throw entry(new String(e.getRawName(), StandardCharsets.UTF_8), "path contains a backslash");
            }
        }
        boolean root = EntryPath.isRoot(raw);
        EntryPath path = root ? null : EntryPath.of(raw);
        try (InputStream in = zip.getInputStream(e)) {
            if (root || path.dir()) {
                if (in.read() != -1) {
                    throw entry(raw, "is a directory but has content");
                }
                if (!root) {
                    c.directory(raw, path.path());
                }
                return;
            }
            long compressed = e.getCompressedSize();
            MeteredStream checked = new MeteredStream(in).limitRatio(() -> raw, () -> compressed, limits);
            c.file(raw, path.path(), checked);
            if (checked.count() != e.getSize() || checked.crc() != e.getCrc()) {
                throw entry(raw, "its data does not match the size and CRC the central directory gives");
            }
        }
    }

    /**
     * Walks the local headers one after the other and compares them, in order, with the central directory's
     * entries: an entry only a local header lists, or a different name, size, method or CRC, is refused.
     */
    private static void compareWithLocalHeaders(Path archive, List<ZipArchiveEntry> central) throws IOException {
        Set<String> centralNames = new HashSet<>();
        central.forEach(e -> centralNames.add(e.getName()));
        byte[] buf = new byte[8192];
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
                // stored entries with a data descriptor (as "zip -" writes) are found by their descriptor
                ZipArchiveInputStream local = new ZipArchiveInputStream(file, "UTF-8", true, true)) {
            int i = 0;
            ZipArchiveEntry l;
            while ((l = local.getNextEntry()) != null) {
                if (i >= central.size() || !l.getName().equals(central.get(i).getName())) {
                    if (!centralNames.contains(l.getName())) {
                        throw entry(l.getName(), "is in a local header but not in the central directory");
                    }
                    throw entry(l.getName(), "its local header is not where the central directory places it");
                }
                ZipArchiveEntry cd = central.get(i);
                CRC32 crc = new CRC32();
                long n = 0;
                int r;
                while ((r = local.read(buf)) != -1) {
                    n += r;
                    if (n > cd.getSize()) {
                        throw entry(l.getName(), "its local data is longer than the central directory says");
                    }
                    crc.update(buf, 0, r);
                }
                boolean sameSizes = n == cd.getSize()
                        && (l.getCompressedSize() == ZipArchiveEntry.SIZE_UNKNOWN
                                || l.getCompressedSize() == cd.getCompressedSize());
                if (l.getMethod() != cd.getMethod() || !sameSizes || crc.getValue() != cd.getCrc()) {
                    throw entry(
                            l.getName(), "its local header disagrees with the central directory (size, method or CRC)");
                }
                i++;
            }
            if (i < central.size()) {
                throw entry(central.get(i).getName(), "is listed only in the central directory");
            }
        }
    }
}
