package org.hwpersonality.artifacts.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.artifact.Bitstream;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.artifacts.archive.DriverArchive;
import org.hwpersonality.repository.internal.JpaArtifactRecords;
import org.hwpersonality.repository.internal.JpaProfileRepository;
import org.hwpersonality.repository.internal.SampleCatalogue;
import org.hwpersonality.repository.internal.SqlBlobRecords;
import org.hwpersonality.repository.internal.SqlSigningKeys;
import org.hwpersonality.repository.internal.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several nodes of one installation, each with its own blob cache and key folder, on one real database (a subclass
 * per database): what one node stores, every node serves, verified; every node signs with the same key.
 */
abstract class SharedArtifactsContract {
    @TempDir
    Path folder;

    private TestDatabase db;
    private JpaProfileRepository profiles;
    private JpaArtifactRecords records;

    protected abstract TestDatabase open();

    @BeforeEach
    void start() {
        db = open();
        profiles = new JpaProfileRepository(db.database);
        profiles.storeAll(SampleCatalogue.profiles(Instant.parse("2026-11-25T00:00:00Z")));
        records = new JpaArtifactRecords(db.database);
    }

    @AfterEach
    void stop() {
        db.close();
    }

    /** One node: its own blob folder and key folder, the installation's database. */
    private final class Node {
        final Path home;
        final ArtifactStorage storage;
        final FileBitstreamStore bitstreams;
        final SignedDriverRepository drivers;

        Node(String name) {
            home = folder.resolve(name);
            storage = new ArtifactStorage(
                    home.resolve("blobs"),
                    home.resolve("keys"),
                    16 << 20,
                    1 << 20,
                    new DriverArchive.Limits(100, 1 << 20, 4 << 20),
                    new SqlBlobRecords(db.database),
                    new SqlSigningKeys(db.database));
            bitstreams = new FileBitstreamStore(storage, records);
            drivers = new SignedDriverRepository(storage, records, profiles);
        }

        long cachedBlobs() throws IOException {
            try (Stream<Path> files = Files.walk(home.resolve("blobs"))) {
                return files.filter(Files::isRegularFile).count();
            }
        }
    }

    /** An XCLBIN-headed image of {@code size} random bytes: several database chunks. */
    private static byte[] image(int size) {
        byte[] image = new byte[size];
        ThreadLocalRandom.current().nextBytes(image);
        byte[] magic = "xclbin2\0".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(magic, 0, image, 0, magic.length);
        return image;
    }

    @Test
    void aSecondNodeServesWhatTheFirstStored() throws IOException {
        Node first = new Node("node-a");
        byte[] image = image(5 * SqlBlobRecords.CHUNK_BYTES / 2);
        Bitstream b = first.bitstreams.add(new ByteArrayInputStream(image), "big.xclbin", "xilinx", ImageFormat.XCLBIN);
        byte[] archive = DriverRepositoryTest.driverZip("2.16.204", "[5.4,6.9)");
        DriverPackage p = first.drivers.add(new ByteArrayInputStream(archive), "xrt-zstd.zip");

        Node second = new Node("node-b");
        assertThat(second.cachedBlobs()).isZero();
        Path copy = second.bitstreams.path(b.sha256());
        assertThat(copy).startsWith(second.home);
        assertThat(Files.readAllBytes(copy)).isEqualTo(image);
        try (InputStream in = second.drivers.open(p.id())) {
            assertThat(in.readAllBytes()).isEqualTo(archive);
        }
        assertThat(second.cachedBlobs()).as("both are in its cache now").isEqualTo(2);
        assertThat(second.drivers.publicKey()).isEqualTo(first.drivers.publicKey());
        assertThat(second.drivers.find(p.id()).orElseThrow().signature()).isEqualTo(p.signature());

        assertThatThrownBy(() -> second.bitstreams.path(Sha256.of("9".repeat(64))))
                .isInstanceOf(HwpException.class)
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void aTamperedDatabaseChunkIsRefusedAndNothingIsCached() throws IOException {
        Node first = new Node("node-a");
        byte[] image = image(2 * SqlBlobRecords.CHUNK_BYTES + 100);
        Bitstream b = first.bitstreams.add(new ByteArrayInputStream(image), "x.xclbin", "xilinx", ImageFormat.XCLBIN);
        db.database.inOwnJdbcTransaction(c -> {
            byte[] changed = new byte[SqlBlobRecords.CHUNK_BYTES];
            System.arraycopy(image, SqlBlobRecords.CHUNK_BYTES, changed, 0, changed.length);
            changed[4242] ^= 1;
            try (var s = c.prepareStatement("UPDATE HWP_BLOB_CHUNK SET DATA = ? WHERE SHA256 = ? AND CHUNK_NO = 1")) {
                s.setBytes(1, changed);
                s.setString(2, b.sha256().hex());
                return s.executeUpdate();
            }
        });

        Node second = new Node("node-b");
        assertThatThrownBy(() -> second.bitstreams.path(b.sha256()))
                .isInstanceOf(BlobDigestException.class)
                .hasMessageStartingWith(
                        "blob " + b.sha256().hex() + " from the database is refused: its content has" + " the SHA-256 ")
                .hasMessageEndingWith("(damaged or changed in the database; store the original again)");
        assertThat(second.cachedBlobs()).as("no blob and no temporary file").isZero();
        assertThat(Files.readAllBytes(first.bitstreams.path(b.sha256())))
                .as("the node that has it in its cache still serves the original")
                .isEqualTo(image);
    }

    /**
     * Every stored image carries the installation's signature, which any node verifies together with the bytes it
     * is about to load: a changed byte in its cache, a changed record or a missing signature is refused, naming why.
     */
    @Test
    void imagesAreSignedAndVerifiedFromTheBytesAboutToBeLoaded() throws IOException {
        Node first = new Node("node-a");
        byte[] image = image(3 * SqlBlobRecords.CHUNK_BYTES / 2);
        Bitstream b = first.bitstreams.add(new ByteArrayInputStream(image), "v.xclbin", "xilinx", ImageFormat.XCLBIN);
        assertThat(records.bitstreamSignature(b.sha256())).isPresent();
        Node second = new Node("node-b");
        Path verified = second.bitstreams.verifiedPath(b.sha256());
        assertThat(Files.readAllBytes(verified)).isEqualTo(image);
        // Storing the same image again keeps its signature.
        String signature = records.bitstreamSignature(b.sha256()).orElseThrow();
        first.bitstreams.add(new ByteArrayInputStream(image), "v.xclbin", "xilinx", ImageFormat.XCLBIN);
        assertThat(records.bitstreamSignature(b.sha256())).contains(signature);

        // One byte changed in the node's cache, after it was fetched and checked.
        byte[] changed = image.clone();
        changed[1234] ^= 1;
        Files.write(verified, changed);
        assertThatThrownBy(() -> second.bitstreams.verifiedPath(b.sha256()))
                .isInstanceOfSatisfying(
                        HwpException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("failed verification")
                .hasMessageContaining("it was changed after it was stored");
        assertThat(first.bitstreams.verifiedPath(b.sha256()))
                .as("the other node's copy is intact")
                .exists();

        // The record changed in the database (another interface ID): its signature no longer matches.
        db.database.inOwnJdbcTransaction(c -> {
            try (var s = c.prepareStatement("UPDATE HWP_BITSTREAM SET NAME = ? WHERE SHA256 = ?")) {
                s.setString(1, "other.xclbin");
                s.setString(2, b.sha256().hex());
                return s.executeUpdate();
            }
        });
        assertThatThrownBy(() -> first.bitstreams.verifiedPath(b.sha256()))
                .isInstanceOf(HwpException.class)
                .hasMessageContaining("signature does not match its record");

        // An image without a signature (stored before images were signed) is signed when a node starts.
        db.database.inOwnJdbcTransaction(c -> {
            try (var s = c.prepareStatement("UPDATE HWP_BITSTREAM SET NAME = ?, SIGNATURE = NULL WHERE SHA256 = ?")) {
                s.setString(1, "v.xclbin");
                s.setString(2, b.sha256().hex());
                return s.executeUpdate();
            }
        });
        assertThatThrownBy(() -> first.bitstreams.verifiedPath(b.sha256()))
                .isInstanceOf(HwpException.class)
                .hasMessageContaining("carries no signature");
        Node third = new Node("node-c");
        assertThat(records.bitstreamSignature(b.sha256())).isPresent();
        assertThat(Files.readAllBytes(third.bitstreams.verifiedPath(b.sha256())))
                .isEqualTo(image);
    }

    @Test
    void nodesStartingAtOnceSignWithOneKey() throws Exception {
        int nodes = 4;
        CyclicBarrier together = new CyclicBarrier(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        List<byte[]> keys = new ArrayList<>();
        try {
            List<Future<byte[]>> started = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                String name = "node-" + i;
                started.add(pool.submit(() -> {
                    together.await();
                    return new Node(name).drivers.publicKey();
                }));
            }
            for (Future<byte[]> f : started) {
                keys.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(keys).allSatisfy(k -> assertThat(k).isEqualTo(keys.get(0)));
        DriverPackage p = new Node("node-0")
                .drivers.add(new ByteArrayInputStream(DriverRepositoryTest.driverZip("1.0", "*")), "p.zip");
        assertThat(new Node("late")
                        .drivers
                        .find(p.id())
                        .map(d -> DriverSigner.verify(
                                keys.get(0),
                                DriverSigner.payload(d.id(), d.archiveSha256(), manifestSha(d)),
                                d.signature())))
                .contains(true);
    }

    private Sha256 manifestSha(DriverPackage p) {
        try (InputStream in = new Node("reader").drivers.open(p.id())) {
            byte[] archive = in.readAllBytes();
            try (var zip = new java.util.zip.ZipInputStream(new ByteArrayInputStream(archive))) {
                for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    if (e.getName().equals(DriverArchive.MANIFEST)) {
                        return Sha256.of(BlobStore.sha256().digest(zip.readAllBytes()));
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("no manifest");
    }

    @Test
    void aNodesOwnKeyIsAdoptedOnUpgradeSoItsSignaturesStayValid() throws Exception {
        // What an earlier version left in a node's key folder: its own key pair, owner-only.
        Path keyFolder = folder.resolve("upgraded").resolve("keys");
        Files.createDirectories(keyFolder);
        KeyPair own = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Files.write(keyFolder.resolve(DriverSigner.PUBLIC_FILE), own.getPublic().getEncoded());
        Files.write(
                keyFolder.resolve(DriverSigner.PRIVATE_FILE), own.getPrivate().getEncoded());
        Files.setPosixFilePermissions(
                keyFolder.resolve(DriverSigner.PRIVATE_FILE), PosixFilePermissions.fromString("rw-------"));
        byte[] payload =
                DriverSigner.payload("old-1.0-linux-x86_64", Sha256.of("a".repeat(64)), Sha256.of("b".repeat(64)));
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(own.getPrivate());
        s.update(payload);
        String before = Base64.getEncoder().encodeToString(s.sign());

        Node upgraded = new Node("upgraded");
        assertThat(upgraded.drivers.publicKey()).isEqualTo(own.getPublic().getEncoded());
        assertThat(DriverSigner.verify(upgraded.drivers.publicKey(), payload, before))
                .as("a signature made before the upgrade")
                .isTrue();
        assertThat(new Node("new-node").drivers.publicKey())
                .as("a node added later uses the adopted key")
                .isEqualTo(own.getPublic().getEncoded());
    }

    @Test
    void unreferencedBlobsAreCollectedFromTheDatabaseAndTheCaches() throws IOException {
        Node first = new Node("node-a");
        Node second = new Node("node-b");
        DriverPackage p =
                first.drivers.add(new ByteArrayInputStream(DriverRepositoryTest.driverZip("2.16.204", "*")), "p.zip");
        Bitstream kept = first.bitstreams.add(
                new ByteArrayInputStream(image(1000)), "kept.xclbin", "xilinx", ImageFormat.XCLBIN);
        second.bitstreams.path(kept.sha256());
        second.drivers.open(p.id()).close();
        first.drivers.remove(p.id());

        SqlBlobRecords blobs = new SqlBlobRecords(db.database);
        assertThat(blobs.exists(p.archiveSha256()))
                .as("left to the collector, which waits for the grace period")
                .isTrue();
        Instant hourAgo = Instant.now().minus(Duration.ofHours(1));
        db.database.inOwnJdbcTransaction(c -> {
            try (var s = c.prepareStatement("UPDATE HWP_BLOB SET STORED_AT = ?")) {
                s.setTimestamp(1, Timestamp.from(hourAgo));
                return s.executeUpdate();
            }
        });
        for (Sha256 sha : List.of(p.archiveSha256(), kept.sha256())) {
            Files.setLastModifiedTime(second.storage.blobs().cache().path(sha), FileTime.from(hourAgo));
        }
        Set<Sha256> referenced = records.referencedBlobs();
        SharedBlobs.Collected collected = second.storage.blobs().collectGarbage(referenced, Duration.ofMinutes(10));
        assertThat(collected.shared()).containsExactly(p.archiveSha256());
        assertThat(collected.cached()).containsExactly(p.archiveSha256());
        assertThat(blobs.exists(p.archiveSha256())).isFalse();
        assertThat(blobs.exists(kept.sha256())).isTrue();
        assertThat(second.storage.blobs().cache().exists(kept.sha256())).isTrue();
        assertThatThrownBy(() -> second.drivers.open(p.id())).isInstanceOf(HwpException.class);
    }

    @Test
    void blobsANodeKeptAloneBeforeTheUpgradeAreSharedAtStart() throws IOException {
        // What an earlier version left: the image in one node's blob folder only, its record in the database.
        Node old = new Node("old");
        byte[] image = image(SqlBlobRecords.CHUNK_BYTES + 7);
        BlobStore.Stored cached = old.storage.blobs().cache().put(new ByteArrayInputStream(image), 1 << 30, c -> {});
        records.saveBitstream(new Bitstream(
                cached.sha256(),
                "old.xclbin",
                "xilinx",
                ImageFormat.XCLBIN,
                image.length,
                Optional.empty(),
                Instant.now()));
        Node other = new Node("other");
        assertThatThrownBy(() -> other.bitstreams.path(cached.sha256()))
                .isInstanceOf(HwpException.class)
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.NOT_FOUND);

        assertThat(old.storage.blobs().shareCached(records.referencedBlobs())).containsExactly(cached.sha256());
        assertThat(Files.readAllBytes(other.bitstreams.path(cached.sha256()))).isEqualTo(image);
        assertThat(old.storage.blobs().shareCached(records.referencedBlobs()))
                .as("once")
                .isEmpty();
    }
}
