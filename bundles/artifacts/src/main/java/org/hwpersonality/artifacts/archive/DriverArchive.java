package org.hwpersonality.artifacts.archive;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.hwpersonality.api.ValidationException;

/**
 * Reads a driver package archive (zip or tar.gz) with Apache Commons Compress, without unpacking it, refusing anything
 * that is unsafe or that standard tools would expand differently:
 *
 * <ul>
 *   <li>paths that are absolute, contain {@code ..}, control characters or backslashes, or repeat an earlier entry;
 *   <li>anything but regular files and directories: symbolic and hard links, devices, FIFOs, sockets, sparse files;
 *   <li>zip: an entry whose local header disagrees with the central directory (name, method, sizes, CRC), an entry
 *       only one of the two lists, overlapping entries, special Unix modes in the external attributes;
 *   <li>more entries or bytes than the {@link Limits} allow (tar pax and GNU long-name headers count as entries and
 *       their bytes count towards the total), or content that expands more than {@link Limits#maxCompressionRatio()}
 *       times its compressed size.
 * </ul>
 *
 * Every refusal is a {@link ValidationException} on the field {@code archive} whose reason names the entry.
 */
public final class DriverArchive {

    public static final String MANIFEST = "hwp-driver.json";

    /** Largest manifest accepted (1 MiB). */
    static final int MAX_MANIFEST_BYTES = 1 << 20;
    /** Longest entry path accepted, in characters. */
    static final int MAX_PATH_CHARS = 1024;
    /** Most bytes of tar headers (pax, GNU long name/link and the entry's own) before one entry. */
    static final int MAX_META_BYTES = 1 << 20;
    /** Expanded bytes always allowed whatever the ratio, so that tiny archives of repetitive text pass. */
    static final long RATIO_ALLOWANCE = 1 << 20;

    private static final String FIELD = "archive";

    /**
     * Bounds on what an archive may hold.
     *
     * @param maxEntries entries, counting tar pax and GNU long-name/long-link headers
     * @param maxEntryBytes bytes of one file
     * @param maxTotalBytes bytes of all files (and, in a tar, of its headers)
     * @param maxCompressionRatio expanded bytes per compressed byte (beyond {@link #RATIO_ALLOWANCE})
     */
    public record Limits(int maxEntries, long maxEntryBytes, long maxTotalBytes, int maxCompressionRatio) {
        /** The compression ratio allowed unless another is given. */
        public static final int DEFAULT_COMPRESSION_RATIO = 100;

        public Limits {
            if (maxEntries < 0 || maxEntryBytes < 0 || maxTotalBytes < 0 || maxCompressionRatio < 1) {
                throw new IllegalArgumentException("limits must not be negative (and the ratio at least 1)");
            }
        }

        public Limits(int maxEntries, long maxEntryBytes, long maxTotalBytes) {
            this(maxEntries, maxEntryBytes, maxTotalBytes, DEFAULT_COMPRESSION_RATIO);
        }
    }

    /** A regular file of the archive: normalized relative path, size, lower-case hex SHA-256 of its content. */
    public record FileEntry(String path, long size, String sha256) {}

    /** What a valid archive holds: the manifest's bytes and every other regular file (in archive order). */
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
     * package or does not exist.
     */
    public static Contents unpack(Path archive, Limits limits, Path target) {
        Objects.requireNonNull(target, "target");
        Contents contents = read(archive, limits);
        Path parent = target.toAbsolutePath().getParent();
        Path partial = null;
        try {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(target.toString());
            }
            Files.createDirectories(parent);
            partial = Files.createTempDirectory(parent, "." + target.getFileName() + ".partial-");
            walk(archive, limits, partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
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
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
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
        byte[] magic;
        try (InputStream in = Files.newInputStream(archive)) {
            magic = in.readNBytes(4);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        EntryCollector collector = new EntryCollector(limits, into);
        try {
            if (magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
                ZipReader.read(archive, collector, limits);
            } else if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
                    TarReader.read(in, collector, limits);
                }
            } else {
                throw refuse("is neither a zip nor a tar.gz archive");
            }
            return collector.finish();
        } catch (ValidationException | UncheckedIOException e) {
            throw e; // a refusal, or the file system failing while unpacking
        } catch (FileSystemException e) {
            throw new UncheckedIOException(e);
        } catch (EOFException e) {
            throw refuse("is truncated");
        } catch (IOException | RuntimeException e) {
            // The library's own words about the format (no stack trace, no class name).
            String why = e.getMessage() == null ? "cannot be read" : e.getMessage();
            if (why.toLowerCase(Locale.ROOT).contains("truncated")) {
                throw refuse("is truncated");
            }
            throw refuse("is corrupt: " + printable(why));
        }
    }

    private static String printable(String s) {
        String one = s.replaceAll("\\p{Cntrl}", "?");
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }

    static ValidationException refuse(String reason) {
        return new ValidationException(FIELD, reason);
    }

    static ValidationException entry(String name, String why) {
        return refuse("entry '" + name + "': " + why);
    }
}
