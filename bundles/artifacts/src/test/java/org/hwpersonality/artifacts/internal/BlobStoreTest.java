package org.hwpersonality.artifacts.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Stream;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
    @TempDir
    Path root;

    private static ByteArrayInputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes());
    }

    private long blobCount() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> !f.startsWith(root.resolve("tmp")))
                    .count();
        }
    }

    private long tmpCount() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("tmp"))) {
            return files.count();
        }
    }

    @Test
    void storesByDigestAndReadsBack() throws IOException {
        BlobStore store = new BlobStore(root);
        BlobStore.Stored stored = store.put(bytes("hello fabric"), 1024, content -> {});
        Sha256 expected = Sha256.of(BlobStore.sha256().digest("hello fabric".getBytes()));
        assertThat(stored.sha256()).isEqualTo(expected);
        assertThat(stored.sizeBytes()).isEqualTo(12);
        assertThat(stored.created()).isTrue();
        assertThat(store.path(expected))
                .isEqualTo(root.resolve(expected.hex().substring(0, 2)).resolve(expected.hex()));
        try (var in = store.open(expected)) {
            assertThat(new String(in.readAllBytes())).isEqualTo("hello fabric");
        }
        assertThat(tmpCount()).isZero();
    }

    @Test
    void identicalContentIsStoredOnce() throws IOException {
        BlobStore store = new BlobStore(root);
        BlobStore.Stored first = store.put(bytes("same"), 1024, content -> {});
        BlobStore.Stored second = store.put(bytes("same"), 1024, content -> {});
        assertThat(second.sha256()).isEqualTo(first.sha256());
        assertThat(second.created()).isFalse();
        assertThat(blobCount()).isEqualTo(1);
        assertThat(tmpCount()).isZero();
    }

    @Test
    void refusedContentLeavesNothing() throws IOException {
        BlobStore store = new BlobStore(root);
        assertThatThrownBy(() -> store.put(bytes("x".repeat(2000)), 1000, content -> {}))
                .isInstanceOf(ValidationException.class)
                .hasMessage("content: is larger than the limit of 1000 bytes");
        assertThatThrownBy(() -> store.put(bytes("bad image"), 1000, content -> {
                    throw new ValidationException("image", "is corrupt");
                }))
                .hasMessage("image: is corrupt");
        assertThatThrownBy(() -> store.put(bytes(""), 1000, content -> {})).hasMessage("content: is empty");
        assertThat(blobCount()).isZero();
        assertThat(tmpCount()).isZero();
    }

    @Test
    void contentIsInvisibleUntilComplete() {
        BlobStore store = new BlobStore(root);
        Sha256 sha = Sha256.of(BlobStore.sha256().digest("checked first".getBytes()));
        store.put(bytes("checked first"), 1024, content -> {
            assertThat(Files.readString(content)).isEqualTo("checked first");
            assertThat(store.exists(sha)).as("not visible before the rename").isFalse();
        });
        assertThat(store.exists(sha)).isTrue();
    }

    @Test
    void aCrashBetweenWriteAndRenameLeavesNoVisibleBlob() throws IOException {
        BlobStore store = new BlobStore(root);
        // What a kill -9 after writing and before renaming leaves: a complete temporary file, nothing else.
        Path partial = root.resolve("tmp").resolve("0b6a1f7e-crash.part");
        Files.writeString(partial, "half an image");
        Sha256 sha = Sha256.of(BlobStore.sha256().digest("half an image".getBytes()));
        assertThat(store.exists(sha)).isFalse();

        BlobStore restarted = new BlobStore(root);
        assertThat(Files.exists(partial)).as("leftovers are removed at start").isFalse();
        assertThat(restarted.exists(sha)).isFalse();
        assertThat(blobCount()).isZero();
    }

    @Test
    void garbageCollectionKeepsReferencedAndYoungBlobs() throws IOException {
        BlobStore store = new BlobStore(root);
        Sha256 kept = store.put(bytes("kept"), 100, c -> {}).sha256();
        Sha256 old = store.put(bytes("old"), 100, c -> {}).sha256();
        Sha256 young = store.put(bytes("young"), 100, c -> {}).sha256();
        FileTime hourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        Files.setLastModifiedTime(store.path(kept), hourAgo);
        Files.setLastModifiedTime(store.path(old), hourAgo);
        assertThat(store.collectGarbage(Set.of(kept), Duration.ofMinutes(10))).containsExactly(old);
        assertThat(store.exists(kept)).isTrue();
        assertThat(store.exists(young)).isTrue();
        assertThat(store.exists(old)).isFalse();
    }
}
