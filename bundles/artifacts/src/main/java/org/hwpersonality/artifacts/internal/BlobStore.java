package org.hwpersonality.artifacts.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;

/**
 * A content-addressed store of immutable blobs under a root folder: each blob is named by the SHA-256 of its
 * bytes ({@code ab/abcdef…}). A blob is written to {@code tmp/}, fsynced, checked, then renamed into place
 * atomically and the folder fsynced, so a crash at any point leaves either no blob or the whole blob;
 * leftovers in {@code tmp/} are removed at start. Identical content is stored once.
 */
public final class BlobStore {
    /** What a put stored. */
    public record Stored(Sha256 sha256, long sizeBytes, boolean created) {}

    /** A check of the complete content before it becomes visible; throws to refuse it. */
    @FunctionalInterface
    public interface Check {
        void accept(Path content) throws IOException;
    }

    private final Path root;
    private final Path tmp;

    public BlobStore(Path root) {
        this.root = root;
        this.tmp = root.resolve("tmp");
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the blob store at " + root, e);
        }
        removeLeftovers();
    }

    public Path root() {
        return root;
    }

    /** Deletes partial writes that a crash left in {@code tmp/}; they were never visible. */
    void removeLeftovers() {
        try (Stream<Path> files = Files.list(tmp)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stores {@code content}, at most {@code maxBytes} of it, after {@code check} accepted the complete bytes.
     * Refused content (too large, or by the check) leaves nothing behind.
     */
    public Stored put(InputStream content, long maxBytes, Check check) {
        return put(content, maxBytes, check, null);
    }

    /**
     * Stores a copy of the blob {@code expected} read from elsewhere (the database): refused, leaving nothing behind,
     * unless the SHA-256 of what was read is {@code expected}.
     *
     * @throws BlobDigestException if the content is not that blob's
     */
    public Stored putCopy(InputStream content, Sha256 expected, String source) {
        return put(content, Long.MAX_VALUE, c -> {}, new Expected(expected, source));
    }

    private record Expected(Sha256 sha256, String source) {}

    private Stored put(InputStream content, long maxBytes, Check check, Expected expected) {
        Path part = tmp.resolve(UUID.randomUUID() + ".part");
        try {
            MessageDigest digest = sha256();
            long size;
            try (OutputStream file =
                            Files.newOutputStream(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    DigestOutputStream out = new DigestOutputStream(file, digest)) {
                size = copy(content, out, maxBytes);
            }
            if (size == 0) {
                throw new ValidationException("content", "is empty");
            }
            fsync(part);
            Sha256 sha = Sha256.of(digest.digest());
            if (expected != null && !sha.equals(expected.sha256())) {
                throw new BlobDigestException(expected.sha256(), sha, expected.source());
            }
            check.accept(part);
            Path target = path(sha);
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                return new Stored(sha, size, false);
            }
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                if (!Files.exists(target)) {
                    throw e;
                }
                return new Stored(sha, size, false);
            }
            fsync(target.getParent());
            return new Stored(sha, size, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(part);
            } catch (IOException e) {
                // removed at the next start
            }
        }
    }

    /** Where the blob with this digest lives (whether or not it exists). */
    public Path path(Sha256 sha) {
        return root.resolve(sha.hex().substring(0, 2)).resolve(sha.hex());
    }

    public boolean exists(Sha256 sha) {
        return Files.isRegularFile(path(sha));
    }

    public InputStream open(Sha256 sha) {
        try {
            return Files.newInputStream(path(sha));
        } catch (NoSuchFileException e) {
            throw HwpException.notFound("blob", sha.hex());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void delete(Sha256 sha) {
        try {
            Files.deleteIfExists(path(sha));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes every blob not in {@code keep} that is older than {@code grace} (younger ones may belong to an
     * upload whose record is being written). Returns the deleted digests.
     */
    public List<Sha256> collectGarbage(Set<Sha256> keep, Duration grace) {
        Instant cutoff = Instant.now().minus(grace);
        List<Sha256> deleted = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root, 2)) {
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(f -> !f.startsWith(tmp))
                    .toList()) {
                String name = f.getFileName().toString();
                if (!name.matches("[0-9a-f]{64}")) {
                    continue;
                }
                Sha256 sha = new Sha256(name);
                if (!keep.contains(sha)
                        && Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
                    Files.delete(f);
                    deleted.add(sha);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return deleted;
    }

    private static long copy(InputStream in, OutputStream out, long maxBytes) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > maxBytes) {
                throw new ValidationException("content", "is larger than the limit of " + maxBytes + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return total;
    }

    private static void fsync(Path path) throws IOException {
        boolean directory = Files.isDirectory(path);
        try (FileChannel channel =
                FileChannel.open(path, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
