package org.hwpersonality.artifacts.archive;

import static org.hwpersonality.artifacts.archive.DriverArchive.entry;
import static org.hwpersonality.artifacts.archive.DriverArchive.refuse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hwpersonality.artifacts.archive.DriverArchive.Contents;
import org.hwpersonality.artifacts.archive.DriverArchive.FileEntry;
import org.hwpersonality.artifacts.archive.DriverArchive.Limits;

/**
 * What the format readers report, entry by entry: enforces the entry and byte limits, the path rules, duplicates and
 * the manifest rule, hashes each file and, when unpacking, writes it beneath the target folder.
 */
final class EntryCollector {
    private static final int CHUNK = 8192;

    private final Limits limits;
    private final Map<String, Boolean> seen = new LinkedHashMap<>(); // path -> is a directory
    private final Map<String, String> rawNames = new LinkedHashMap<>();
    private final List<FileEntry> files = new ArrayList<>();
    private final byte[] buf = new byte[CHUNK];
    private int entries;
    private long total;
    private byte[] manifest;

    /** Where files are written while they are read; null to only read. */
    private final Path into;

    EntryCollector(Limits limits, Path into) {
        this.limits = limits;
        this.into = into;
    }

    /** One more entry (a tar's pax and GNU headers included), named for the message if it is one too many. */
    void count(String raw) {
        entries++;
        if (entries > limits.maxEntries()) {
            throw entry(raw, "exceeds the limit of " + limits.maxEntries() + " entries");
        }
    }

    /** Bytes of tar headers read before the entry {@code raw}: they count towards the total. */
    void headerBytes(String raw, long bytes) {
        addTotal(raw, bytes);
    }

    private void addTotal(String raw, long bytes) {
        total += bytes;
        if (total > limits.maxTotalBytes()) {
            throw entry(raw, "brings the archive's total size over the limit of " + limits.maxTotalBytes() + " bytes");
        }
    }

    private void register(String raw, String path, boolean dir) {
        if (path.equals(DriverArchive.MANIFEST) && dir) {
            throw entry(raw, "must be a regular file");
        }
        Boolean prev = seen.get(path);
        if (prev != null) {
            if (prev && dir) {
                return; // repeated directories are harmless
            }
            throw entry(raw, "duplicates the earlier entry '" + rawNames.get(path) + "'");
        }
        seen.put(path, dir);
        rawNames.put(path, raw);
    }

    void directory(String raw, String path) {
        register(raw, path, true);
        if (into != null) {
            try {
                Files.createDirectories(place(raw, path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A regular file: its content is read (through the limits), hashed and, when unpacking, written. */
    void file(String raw, String path, InputStream in) throws IOException {
        register(raw, path, false);
        boolean isManifest = path.equals(DriverArchive.MANIFEST);
        ByteArrayOutputStream manifestBytes = isManifest ? new ByteArrayOutputStream() : null;
        MessageDigest sha = sha256();
        OutputStream out = null;
        try {
            if (into != null) {
                Path p = place(raw, path);
                try {
                    Files.createDirectories(p.getParent());
                    out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            long size = 0;
            int n;
            while ((n = in.read(buf, 0, buf.length)) != -1) {
                size += n;
                if (size > limits.maxEntryBytes()) {
                    throw entry(raw, "is larger than the limit of " + limits.maxEntryBytes() + " bytes");
                }
                addTotal(raw, n);
                if (isManifest) {
                    if (size > DriverArchive.MAX_MANIFEST_BYTES) {
                        throw entry(
                                raw,
                                "is larger than the manifest limit of " + DriverArchive.MAX_MANIFEST_BYTES + " bytes");
                    }
                    manifestBytes.write(buf, 0, n);
                }
                sha.update(buf, 0, n);
                if (out != null) {
                    try {
                        out.write(buf, 0, n);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            if (isManifest) {
                manifest = manifestBytes.toByteArray();
            } else {
                files.add(new FileEntry(path, size, HexFormat.of().formatHex(sha.digest())));
            }
        } finally {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** The place of an entry under {@link #into}; never outside it. */
    private Path place(String raw, String path) {
        Path p = into.resolve(path).normalize();
        if (!p.startsWith(into) || p.equals(into)) {
            throw entry(raw, "would be written outside the target folder");
        }
        return p;
    }

    Contents finish() {
        // Nothing may lie beneath a file.
        for (Map.Entry<String, Boolean> e : seen.entrySet()) {
            String path = e.getKey();
            for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
                Boolean ancestor = seen.get(path.substring(0, i));
                if (ancestor != null && !ancestor) {
                    throw entry(
                            rawNames.get(path),
                            "lies beneath '" + rawNames.get(path.substring(0, i)) + "', which is not a directory");
                }
            }
        }
        if (manifest == null) {
            throw refuse("has no " + DriverArchive.MANIFEST + " at its root");
        }
        return new Contents(manifest, files);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
