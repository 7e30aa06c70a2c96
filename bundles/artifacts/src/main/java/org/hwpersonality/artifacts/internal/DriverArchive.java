package org.hwpersonality.artifacts.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.hwpersonality.api.ValidationException;

/** Reads a driver package archive (zip or tar.gz) without unpacking it, refusing anything unsafe. */
public final class DriverArchive {

    public static final String MANIFEST = "hwp-driver.json";

    /** Largest manifest accepted (1 MiB). */
    static final int MAX_MANIFEST_BYTES = 1 << 20;
    /** Longest entry path or link target accepted, in characters. */
    static final int MAX_PATH_CHARS = 1024;
    /** Largest tar metadata block (pax header, GNU long name/link) accepted. */
    static final int MAX_META_BYTES = 1 << 20;

    private static final String FIELD = "archive";
    private static final int BLOCK = 512;
    private static final int CHUNK = 8192;

    /** Bounds on what an archive may hold. */
    public record Limits(int maxEntries, long maxEntryBytes, long maxTotalBytes) {
        public Limits {
            if (maxEntries < 0 || maxEntryBytes < 0 || maxTotalBytes < 0) {
                throw new IllegalArgumentException("limits must not be negative");
            }
        }
    }

    /** A regular file of the archive: normalized relative path, size, lower-case hex SHA-256 of its content. */
    public record FileEntry(String path, long size, String sha256) {}

    /** What a valid archive holds: the manifest's bytes and every other regular file (in archive order). Directories and allowed links are not listed. */
    public record Contents(byte[] manifest, List<FileEntry> files) {
        public Contents {
            files = List.copyOf(files);
        }
    }

    private DriverArchive() {}

    /** Reads the archive at {@code archive} (format from its first bytes: zip "PK\3\4", gzip 0x1f 0x8b containing tar). */
    public static Contents read(Path archive, Limits limits) {
        return walk(archive, limits, null);
    }

    /**
     * Unpacks a valid archive into {@code target}, which must not exist: the archive is read and checked in full
     * first ({@link #read}), then its directories and regular files (the manifest included) are written into a
     * hidden sibling folder that is renamed to {@code target} at the end, so {@code target} either holds the whole
     * package or does not exist. Links are checked but not created: a package's content is its regular files.
     */
    public static Contents unpack(Path archive, Limits limits, Path target) {
        Objects.requireNonNull(target, "target");
        Contents contents = read(archive, limits);
        Path parent = target.toAbsolutePath().getParent();
        Path partial = null;
        try {
            if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new java.nio.file.FileAlreadyExistsException(target.toString());
            }
            Files.createDirectories(parent);
            partial = Files.createTempDirectory(parent, "." + target.getFileName() + ".partial-");
            walk(archive, limits, partial);
            Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            partial = null;
            return contents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (partial != null) {
                deleteTree(partial);
            }
        }
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a hidden partial folder is all that can remain
                }
            });
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    private static Contents walk(Path archive, Limits limits, Path into) {
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(limits, "limits");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
            in.mark(4);
            byte[] magic = in.readNBytes(4);
            in.reset();
            Collector collector = new Collector(limits, into);
            if (magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
                readZip(in, collector);
            } else if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                readTar(new GZIPInputStream(in, 1 << 16), collector);
            } else {
                throw refuse("is neither a zip nor a tar.gz archive");
            }
            return collector.finish();
        } catch (EOFException e) {
            throw refuse("is truncated");
        } catch (ZipException e) {
            throw refuse("is corrupt: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ zip

    private static void readZip(InputStream in, Collector c) throws IOException {
        ZipInputStream zip = new ZipInputStream(in, StandardCharsets.UTF_8);
        while (true) {
            ZipEntry entry;
            try {
                entry = zip.getNextEntry();
            } catch (IllegalArgumentException e) { // malformed entry name
                throw refuse("is corrupt: an entry name is not valid UTF-8");
            }
            if (entry == null) {
                return;
            }
            String raw = entry.getName();
            c.count(raw);
            if (raw.equals("./")) { // the root itself, as "zip -r x.zip ." may write it
                if (zip.read() != -1) {
                    throw entry(raw, "is a directory but has content");
                }
                continue;
            }
            Norm norm = entryPath(raw);
            if (norm.dir()) {
                c.directory(raw, norm.path());
                if (zip.read() != -1) {
                    throw entry(raw, "is a directory but has content");
                }
            } else {
                c.file(raw, norm.path(), zip);
            }
        }
    }

    // ------------------------------------------------------------------ tar

    private static void readTar(InputStream in, Collector c) throws IOException {
        TarStream t = new TarStream(in);
        byte[] h = new byte[BLOCK];
        String longName = null;
        String longLink = null;
        Map<String, String> pax = new HashMap<>();
        boolean pending = false;
        while (true) {
            long offset = t.pos;
            int n = t.readUpTo(h, BLOCK);
            if (n == 0) {
                if (pending) {
                    throw refuse("is truncated");
                }
                return; // end of stream without end-of-archive blocks
            }
            if (n < BLOCK) {
                throw refuse("is truncated");
            }
            if (allZero(h)) {
                n = t.readUpTo(h, BLOCK);
                if (n == 0 || (n == BLOCK && allZero(h))) {
                    if (pending) {
                        throw refuse("is corrupt at byte " + offset);
                    }
                    return; // end of archive
                }
                if (n < BLOCK) {
                    throw refuse("is truncated");
                }
                throw refuse("is corrupt at byte " + offset);
            }

            String headerName = headerName(h);
            if (!checksumOk(h)) {
                String shown = pax.containsKey("path") ? pax.get("path") : longName != null ? longName : headerName;
                if (shown == null || shown.isEmpty() || hasControl(shown)) {
                    throw refuse("is corrupt at byte " + offset);
                }
                throw entry(shown, "has a bad header checksum");
            }
            if (headerName == null) {
                throw entry(
                        new String(cField(h, 0, 100), StandardCharsets.UTF_8), "has a name that is not valid UTF-8");
            }
            char type = (char) (h[156] & 0xff);
            long size = headerSize(h, headerName);

            switch (type) {
                case 'x' -> {
                    parsePax(t.readMeta(size, headerName), headerName, pax);
                    pending = true;
                    continue;
                }
                case 'g' -> {
                    t.readMeta(size, headerName); // global pax headers are ignored
                    continue;
                }
                case 'L' -> {
                    longName = metaString(t.readMeta(size, headerName));
                    pending = true;
                    continue;
                }
                case 'K' -> {
                    longLink = metaString(t.readMeta(size, headerName));
                    pending = true;
                    continue;
                }
                default -> {}
            }

            String name = pax.containsKey("path") ? pax.get("path") : longName != null ? longName : headerName;
            String link;
            if (pax.containsKey("linkpath")) {
                link = pax.get("linkpath");
            } else if (longLink != null) {
                link = longLink;
            } else {
                link = utf8(cField(h, 157, 100));
                if (link == null) {
                    throw entry(name, "has a link name that is not valid UTF-8");
                }
            }
            if (pax.containsKey("size")) {
                size = paxSize(pax.get("size"), name);
            }
            pax.clear();
            longName = null;
            longLink = null;
            pending = false;

            c.count(name);
            if (type == '5'
                    && (name.equals("./") || name.equals("."))) { // the root itself, as "tar -C dir ." writes it
                if (size != 0) {
                    throw entry(name, "is not a regular file but has " + size + " bytes of content");
                }
                continue;
            }
            Norm norm = entryPath(name);
            boolean regular = type == '0' || type == '\0' || type == '7';
            if (regular && !norm.dir()) {
                c.file(name, norm.path(), t.content(size));
                t.skipPadding(size);
                continue;
            }
            if (size != 0) {
                throw entry(name, "is not a regular file but has " + size + " bytes of content");
            }
            switch (type) {
                case '0', '\0', '7', '5' -> c.directory(name, norm.path());
                case '2' -> c.symlink(name, norm, link);
                case '1' -> c.hardlink(name, norm, link);
                case '3' -> throw entry(name, "is a character device");
                case '4' -> throw entry(name, "is a block device");
                case '6' -> throw entry(name, "is a FIFO");
                default -> throw entry(name, "has an unsupported entry type '" + printable(type) + "'");
            }
        }
    }

    /** The decompressed tar stream, with the position of the next byte. */
    private static final class TarStream {
        private final InputStream in;
        long pos;

        TarStream(InputStream in) {
            this.in = in;
        }

        /** Reads up to {@code len} bytes, stopping early only at end of stream. */
        int readUpTo(byte[] b, int len) throws IOException {
            int n = in.readNBytes(b, 0, len);
            pos += n;
            return n;
        }

        void skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(n, 1))];
            while (n > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, n));
                if (r < 0) {
                    throw new EOFException();
                }
                pos += r;
                n -= r;
            }
        }

        void skipPadding(long size) throws IOException {
            skip((BLOCK - size % BLOCK) % BLOCK);
        }

        byte[] readMeta(long size, String headerName) throws IOException {
            if (size > MAX_META_BYTES) {
                throw entry(headerName, "has an extended header larger than " + MAX_META_BYTES + " bytes");
            }
            byte[] b = new byte[(int) size];
            if (readUpTo(b, b.length) < b.length) {
                throw new EOFException();
            }
            skipPadding(size);
            return b;
        }

        /** Exactly {@code size} bytes of content; ending early is an EOFException (truncated archive). */
        InputStream content(long size) {
            return new InputStream() {
                private long left = size;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left == 0) {
                        return -1;
                    }
                    int r = in.read(b, off, (int) Math.min(len, left));
                    if (r < 0) {
                        throw new EOFException();
                    }
                    left -= r;
                    pos += r;
                    return r;
                }
            };
        }
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** Bytes of a NUL-terminated header field. */
    private static byte[] cField(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        byte[] out = new byte[end - off];
        System.arraycopy(h, off, out, 0, out.length);
        return out;
    }

    /** The header's own name (ustar prefix + name), or null if it is not valid UTF-8. */
    private static String headerName(byte[] h) {
        boolean posix =
                h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r' && h[262] == 0;
        String name = utf8(cField(h, 0, 100));
        if (name == null || !posix) {
            return name;
        }
        String prefix = utf8(cField(h, 345, 155));
        if (prefix == null) {
            return null;
        }
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static boolean checksumOk(byte[] h) {
        long stored = parseOctal(h, 148, 8);
        if (stored < 0) {
            return false;
        }
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            byte b = i >= 148 && i < 156 ? (byte) ' ' : h[i];
            unsigned += b & 0xff;
            signed += b;
        }
        return stored == unsigned || stored == signed;
    }

    /** Octal number of a header field (leading spaces, digits, then spaces/NULs); -1 if malformed or empty. */
    private static long parseOctal(byte[] h, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && h[i] == ' ') {
            i++;
        }
        long value = 0;
        int digits = 0;
        while (i < end && h[i] >= '0' && h[i] <= '7') {
            value = value * 8 + (h[i] - '0');
            digits++;
            i++;
        }
        while (i < end && (h[i] == ' ' || h[i] == 0)) {
            i++;
        }
        return digits == 0 || i != end ? -1 : value;
    }

    private static long headerSize(byte[] h, String name) {
        if ((h[124] & 0x80) != 0) { // GNU base-256
            if ((h[124] & 0x40) != 0) {
                throw entry(name, "has a negative size");
            }
            long value = h[124] & 0x3f;
            for (int i = 125; i < 136; i++) {
                if (value > (Long.MAX_VALUE >> 8)) {
                    throw entry(name, "has a size that is too large");
                }
                value = (value << 8) | (h[i] & 0xff);
            }
            return value;
        }
        boolean blank = true;
        for (int i = 124; i < 136; i++) {
            if (h[i] != 0 && h[i] != ' ') {
                blank = false;
                break;
            }
        }
        if (blank) {
            return 0;
        }
        long size = parseOctal(h, 124, 12);
        if (size < 0) {
            throw entry(name, "has an invalid size field");
        }
        return size;
    }

    private static long paxSize(String value, String name) {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw entry(name, "has an invalid pax size '" + value + "'");
        }
        return Long.parseLong(value);
    }

    private static String metaString(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        byte[] b = new byte[end];
        System.arraycopy(data, 0, b, 0, end);
        String s = utf8(b);
        if (s == null) {
            throw entry(new String(b, StandardCharsets.UTF_8), "has a name that is not valid UTF-8");
        }
        return s;
    }

    /** Parses pax records "LEN KEY=VALUE\n" into {@code into}; an empty value removes the key. */
    private static void parsePax(byte[] data, String headerName, Map<String, String> into) {
        int i = 0;
        while (i < data.length) {
            if (data[i] == 0) { // tolerate trailing NUL padding
                for (int j = i; j < data.length; j++) {
                    if (data[j] != 0) {
                        throw entry(headerName, "has a malformed pax header");
                    }
                }
                return;
            }
            int j = i;
            long len = 0;
            while (j < data.length && data[j] >= '0' && data[j] <= '9') {
                len = len * 10 + (data[j] - '0');
                if (len > data.length) {
                    throw entry(headerName, "has a malformed pax header");
                }
                j++;
            }
            if (j == i
                    || j >= data.length
                    || data[j] != ' '
                    || i + len > data.length
                    || len <= j - i + 1
                    || data[(int) (i + len - 1)] != '\n') {
                throw entry(headerName, "has a malformed pax header");
            }
            int end = (int) (i + len - 1); // index of '\n'
            int eq = -1;
            for (int k = j + 1; k < end; k++) {
                if (data[k] == '=') {
                    eq = k;
                    break;
                }
            }
            if (eq <= j + 1) {
                throw entry(headerName, "has a malformed pax header");
            }
            String key = utf8(slice(data, j + 1, eq));
            String value = utf8(slice(data, eq + 1, end));
            if (key == null || value == null) {
                throw entry(headerName, "has a pax header that is not valid UTF-8");
            }
            if (value.isEmpty()) {
                into.remove(key);
            } else {
                into.put(key, value);
            }
            i = (int) (i + len);
        }
    }

    private static byte[] slice(byte[] b, int from, int to) {
        byte[] out = new byte[to - from];
        System.arraycopy(b, from, out, 0, out.length);
        return out;
    }

    // ------------------------------------------------------------------ entries

    private enum Kind {
        FILE,
        DIR,
        LINK
    }

    private record Seen(Kind kind, String raw) {}

    private record Norm(String path, boolean dir) {}

    /** Collects entries, enforcing limits, duplicates, links and the manifest rule. */
    private static final class Collector {
        private final Limits limits;
        private final Map<String, Seen> seen = new LinkedHashMap<>();
        private final List<FileEntry> files = new ArrayList<>();
        private final byte[] buf = new byte[CHUNK];
        private int entries;
        private long total;
        private byte[] manifest;

        private String currentPath;

        /** Where files are written while they are read; null to only read. */
        private final Path into;

        Collector(Limits limits, Path into) {
            this.limits = limits;
            this.into = into;
        }

        /** The place of an entry under {@link #into}; never outside it. */
        private Path place(String raw, String path) {
            Path p = into.resolve(path).normalize();
            if (!p.startsWith(into) || p.equals(into)) {
                throw entry(raw, "would be written outside the target folder");
            }
            return p;
        }

        void count(String raw) {
            entries++;
            if (entries > limits.maxEntries()) {
                throw entry(raw, "exceeds the limit of " + limits.maxEntries() + " entries");
            }
        }

        private void register(String raw, String path, Kind kind) {
            if (path.equals(MANIFEST) && kind != Kind.FILE) {
                throw entry(raw, "must be a regular file");
            }
            Seen prev = seen.get(path);
            if (prev != null) {
                if (prev.kind() == Kind.DIR && kind == Kind.DIR) {
                    return; // repeated directories are harmless
                }
                throw entry(raw, "duplicates the earlier entry '" + prev.raw() + "'");
            }
            seen.put(path, new Seen(kind, raw));
        }

        void directory(String raw, String path) throws IOException {
            register(raw, path, Kind.DIR);
            if (into != null) {
                Files.createDirectories(place(raw, path));
            }
        }

        void file(String raw, String path, InputStream in) throws IOException {
            register(raw, path, Kind.FILE);
            currentPath = path;
            boolean isManifest = path.equals(MANIFEST);
            ByteArrayOutputStream manifestBytes = isManifest ? new ByteArrayOutputStream() : null;
            MessageDigest sha = sha256();
            OutputStream out = null;
            if (into != null) {
                Path p = place(raw, path);
                Files.createDirectories(p.getParent());
                out = Files.newOutputStream(p, java.nio.file.StandardOpenOption.CREATE_NEW);
            }
            try {
                copyEntry(raw, in, sha, manifestBytes, out);
            } finally {
                if (out != null) {
                    out.close();
                }
            }
        }

        private void copyEntry(
                String raw, InputStream in, MessageDigest sha, ByteArrayOutputStream manifestBytes, OutputStream out)
                throws IOException {
            boolean isManifest = manifestBytes != null;
            long size = 0;
            int n;
            while ((n = in.read(buf, 0, buf.length)) != -1) {
                size += n;
                total += n;
                if (size > limits.maxEntryBytes()) {
                    throw entry(raw, "is larger than the limit of " + limits.maxEntryBytes() + " bytes");
                }
                if (total > limits.maxTotalBytes()) {
                    throw entry(
                            raw,
                            "brings the archive's total size over the limit of " + limits.maxTotalBytes() + " bytes");
                }
                if (isManifest) {
                    if (size > MAX_MANIFEST_BYTES) {
                        throw entry(raw, "is larger than the manifest limit of " + MAX_MANIFEST_BYTES + " bytes");
                    }
                    manifestBytes.write(buf, 0, n);
                }
                sha.update(buf, 0, n);
                if (out != null) {
                    out.write(buf, 0, n);
                }
            }
            if (isManifest) {
                manifest = manifestBytes.toByteArray();
            } else {
                files.add(new FileEntry(currentPath, size, HexFormat.of().formatHex(sha.digest())));
            }
        }

        void symlink(String raw, Norm norm, String target) {
            if (norm.dir()) {
                throw entry(raw, "is a link but its name ends with '/'");
            }
            String why = charProblem(target);
            if (why == null && target.isEmpty()) {
                why = "is empty";
            }
            if (why == null && target.startsWith("/")) {
                why = "is absolute";
            }
            if (why == null) {
                Deque<String> resolved = new ArrayDeque<>(List.of(norm.path().split("/")));
                resolved.removeLast(); // the link's own directory
                boolean named = false;
                for (String seg : target.split("/")) {
                    if (seg.isEmpty() || seg.equals(".")) {
                        continue;
                    }
                    if (seg.equals("..")) {
                        if (named) {
                            why = "has a '..' after a name";
                            break;
                        }
                        if (resolved.isEmpty()) {
                            why = "escapes the archive root";
                            break;
                        }
                        resolved.removeLast();
                    } else {
                        named = true;
                        resolved.addLast(seg);
                    }
                }
            }
            if (why != null) {
                throw entry(raw, "symlink target '" + target + "' " + why);
            }
            register(raw, norm.path(), Kind.LINK);
        }

        void hardlink(String raw, Norm norm, String target) {
            if (norm.dir()) {
                throw entry(raw, "is a link but its name ends with '/'");
            }
            Norm t = normalize(target, why -> entry(raw, "hard link target '" + target + "' " + why));
            Seen s = t.dir() ? null : seen.get(t.path());
            if (s == null || s.kind() != Kind.FILE) {
                throw entry(raw, "hard link target '" + target + "' is not an earlier regular file of the archive");
            }
            register(raw, norm.path(), Kind.LINK);
        }

        Contents finish() {
            // Nothing may lie beneath a file or a link (a link used as a directory could lead outside the root).
            for (Map.Entry<String, Seen> e : seen.entrySet()) {
                String path = e.getKey();
                for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
                    Seen ancestor = seen.get(path.substring(0, i));
                    if (ancestor != null && ancestor.kind() != Kind.DIR) {
                        throw entry(
                                e.getValue().raw(), "lies beneath '" + ancestor.raw() + "', which is not a directory");
                    }
                }
            }
            if (manifest == null) {
                throw refuse("has no " + MANIFEST + " at its root");
            }
            return new Contents(manifest, files);
        }
    }

    // ------------------------------------------------------------------ paths

    private static Norm entryPath(String raw) {
        return normalize(raw, why -> entry(raw, "path " + why));
    }

    /** Normalizes an archive path: drops a leading "./", notes and drops a trailing "/", refuses anything unsafe. */
    private static Norm normalize(String value, Function<String, ValidationException> fail) {
        String why = charProblem(value);
        if (why == null && value.startsWith("/")) {
            why = "is absolute";
        }
        if (why != null) {
            throw fail.apply(why);
        }
        String p = value.startsWith("./") ? value.substring(2) : value;
        boolean dir = p.endsWith("/");
        if (dir) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            throw fail.apply("is empty once normalized");
        }
        for (String seg : p.split("/", -1)) {
            if (seg.isEmpty()) {
                throw fail.apply("has an empty segment");
            }
            if (seg.equals("..")) {
                throw fail.apply("has a '..' segment");
            }
            if (seg.equals(".")) {
                throw fail.apply("has a '.' segment");
            }
        }
        return new Norm(p, dir);
    }

    /** Problems common to paths and link targets, or null. */
    private static String charProblem(String v) {
        if (v.length() > MAX_PATH_CHARS) {
            return "is longer than " + MAX_PATH_CHARS + " characters";
        }
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch == 0) {
                return "contains a NUL character";
            }
            if (Character.isISOControl(ch)) {
                return "contains a control character";
            }
        }
        if (v.indexOf('\\') >= 0) {
            return "contains a backslash";
        }
        if (v.length() >= 2
                && v.charAt(1) == ':'
                && ((v.charAt(0) >= 'A' && v.charAt(0) <= 'Z') || (v.charAt(0) >= 'a' && v.charAt(0) <= 'z'))) {
            return "starts with a Windows drive letter";
        }
        return null;
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(ch -> Character.isISOControl(ch));
    }

    // ------------------------------------------------------------------ helpers

    /** Strict UTF-8 decoding; null if malformed. */
    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String printable(char type) {
        return type >= 0x20 && type < 0x7f ? String.valueOf(type) : String.format("\\x%02x", (int) type);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static ValidationException refuse(String reason) {
        return new ValidationException(FIELD, reason);
    }

    private static ValidationException entry(String name, String why) {
        return refuse("entry '" + name + "': " + why);
    }
}
