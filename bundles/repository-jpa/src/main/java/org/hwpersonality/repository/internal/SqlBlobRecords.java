package org.hwpersonality.repository.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.store.BlobRecords;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Blobs in HWP_BLOB (one row each: size, chunk count, storage time) and HWP_BLOB_CHUNK (the bytes, 1 MiB a row),
 * in plain JDBC. A put writes the header row first, so two nodes storing the same blob queue on its key and the
 * second finds it stored; every chunk follows in the same transaction. Reads take one chunk per query, so neither
 * side holds more than a chunk in memory, whatever the driver does with result sets.
 */
@Component(service = BlobRecords.class)
public class SqlBlobRecords implements BlobRecords {
    /** Bytes per chunk row. */
    public static final int CHUNK_BYTES = 1 << 20;

    private final Database database;

    @Activate
    public SqlBlobRecords(@Reference Database database) {
        this.database = database;
    }

    @Override
    public boolean put(Sha256 sha256, InputStream content) {
        if (touch(sha256)) {
            return false;
        }
        try {
            return database.inOwnJdbcTransaction(c -> {
                Timestamp now = Timestamp.from(Instant.now());
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO HWP_BLOB (SHA256, SIZE_BYTES, CHUNKS, STORED_AT) VALUES (?, 0, 0, ?)")) {
                    s.setString(1, sha256.hex());
                    s.setTimestamp(2, now);
                    s.executeUpdate();
                }
                MessageDigest digest = sha256Digest();
                byte[] buffer = new byte[CHUNK_BYTES];
                long size = 0;
                int chunks = 0;
                try (PreparedStatement s =
                        c.prepareStatement("INSERT INTO HWP_BLOB_CHUNK (SHA256, CHUNK_NO, DATA) VALUES (?, ?, ?)")) {
                    while (true) {
                        int n = readChunk(content, buffer);
                        if (n == 0) {
                            break;
                        }
                        digest.update(buffer, 0, n);
                        s.setString(1, sha256.hex());
                        s.setInt(2, chunks);
                        s.setBytes(3, n == buffer.length ? buffer : Arrays.copyOf(buffer, n));
                        s.executeUpdate();
                        size += n;
                        chunks++;
                    }
                }
                if (size == 0) {
                    throw new ValidationException("content", "is empty");
                }
                Sha256 actual = Sha256.of(digest.digest());
                if (!actual.equals(sha256)) {
                    throw new ValidationException(
                            "content", "has the SHA-256 " + actual.hex() + ", not " + sha256.hex());
                }
                try (PreparedStatement s =
                        c.prepareStatement("UPDATE HWP_BLOB SET SIZE_BYTES = ?, CHUNKS = ? WHERE SHA256 = ?")) {
                    s.setLong(1, size);
                    s.setInt(2, chunks);
                    s.setString(3, sha256.hex());
                    s.executeUpdate();
                }
                return true;
            });
        } catch (HwpException e) {
            // Another node stored the same blob at the same moment: its header row won the key.
            if (e.code() == ErrorCode.CONFLICT && exists(sha256)) {
                return false;
            }
            throw e;
        }
    }

    /** Marks a stored blob as stored again now; whether it is stored. */
    private boolean touch(Sha256 sha256) {
        return database.inOwnJdbcTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE HWP_BLOB SET STORED_AT = ? WHERE SHA256 = ?")) {
                s.setTimestamp(1, Timestamp.from(Instant.now()));
                s.setString(2, sha256.hex());
                return s.executeUpdate() == 1;
            }
        });
    }

    private static int readChunk(InputStream in, byte[] buffer) {
        try {
            return in.readNBytes(buffer, 0, buffer.length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the content to store: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(Sha256 sha256) {
        return size(sha256) >= 0;
    }

    @Override
    public long size(Sha256 sha256) {
        long[] header = header(sha256);
        return header == null ? -1 : header[0];
    }

    /** {size, chunks} of a stored blob, or null. */
    private long[] header(Sha256 sha256) {
        return database.jdbcRead(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT SIZE_BYTES, CHUNKS FROM HWP_BLOB WHERE SHA256 = ?")) {
                s.setString(1, sha256.hex());
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
                }
            }
        });
    }

    @Override
    public InputStream open(Sha256 sha256) {
        long[] header = header(sha256);
        if (header == null) {
            throw HwpException.notFound("blob", sha256.hex());
        }
        return new ChunkStream(sha256, (int) header[1]);
    }

    /** The chunks of one blob, each fetched when the previous one has been read. */
    private final class ChunkStream extends InputStream {
        private final Sha256 sha256;
        private final int chunks;
        private int next;
        private byte[] current = new byte[0];
        private int position;

        ChunkStream(Sha256 sha256, int chunks) {
            this.sha256 = sha256;
            this.chunks = chunks;
        }

        /** Makes bytes available; false at the end of the blob. */
        private boolean fill() throws IOException {
            while (position == current.length) {
                if (next == chunks) {
                    return false;
                }
                int no = next;
                byte[] data;
                try {
                    data = database.jdbcRead(c -> {
                        try (PreparedStatement s = c.prepareStatement(
                                "SELECT DATA FROM HWP_BLOB_CHUNK WHERE SHA256 = ? AND CHUNK_NO = ?")) {
                            s.setString(1, sha256.hex());
                            s.setInt(2, no);
                            try (ResultSet rs = s.executeQuery()) {
                                return rs.next() ? rs.getBytes(1) : null;
                            }
                        }
                    });
                } catch (RuntimeException e) {
                    throw new IOException(
                            "cannot read chunk " + no + " of blob " + sha256.hex() + ": " + e.getMessage(), e);
                }
                if (data == null) {
                    throw new IOException("chunk " + no + " of blob " + sha256.hex()
                            + " is missing from the database (deleted while it was read?)");
                }
                current = data;
                position = 0;
                next++;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? current[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }
    }

    @Override
    public boolean delete(Sha256 sha256, Instant storedBefore) {
        return database.inOwnJdbcTransaction(c -> {
            // Locks the header row if it is old enough: a concurrent put's touch waits, then stores the blob anew.
            try (PreparedStatement s =
                    c.prepareStatement("UPDATE HWP_BLOB SET CHUNKS = CHUNKS WHERE SHA256 = ? AND STORED_AT < ?")) {
                s.setString(1, sha256.hex());
                s.setTimestamp(2, Timestamp.from(storedBefore));
                if (s.executeUpdate() == 0) {
                    return false;
                }
            }
            for (String sql :
                    List.of("DELETE FROM HWP_BLOB_CHUNK WHERE SHA256 = ?", "DELETE FROM HWP_BLOB WHERE SHA256 = ?")) {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.setString(1, sha256.hex());
                    s.executeUpdate();
                }
            }
            return true;
        });
    }

    @Override
    public List<Sha256> storedBefore(Instant storedBefore) {
        return database.jdbcRead(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("SELECT SHA256 FROM HWP_BLOB WHERE STORED_AT < ? ORDER BY SHA256")) {
                s.setTimestamp(1, Timestamp.from(storedBefore));
                List<Sha256> result = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        result.add(new Sha256(rs.getString(1)));
                    }
                }
                return result;
            }
        });
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
