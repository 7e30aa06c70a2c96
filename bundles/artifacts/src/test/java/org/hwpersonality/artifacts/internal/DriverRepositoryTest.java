package org.hwpersonality.artifacts.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.artifact.DriverFile;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.artifacts.archive.DriverArchive;
import org.hwpersonality.repository.internal.JpaArtifactRecords;
import org.hwpersonality.repository.internal.JpaProfileRepository;
import org.hwpersonality.repository.internal.SampleCatalogue;
import org.hwpersonality.repository.internal.SqlBlobRecords;
import org.hwpersonality.repository.internal.SqlSigningKeys;
import org.hwpersonality.repository.internal.TestDatabase;
import org.hwpersonality.repository.internal.entity.AllocationEntity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver repository and bitstream store on real storage: a blob folder and embedded Derby. */
class DriverRepositoryTest {
    @TempDir
    Path folder;

    private TestDatabase db;
    private ArtifactStorage storage;
    private JpaArtifactRecords records;
    private SignedDriverRepository drivers;

    @BeforeEach
    void open() {
        db = TestDatabase.derby();
        JpaProfileRepository profiles = new JpaProfileRepository(db.database);
        profiles.storeAll(SampleCatalogue.profiles(Instant.parse("2026-11-25T00:00:00Z")));
        storage = new ArtifactStorage(
                folder.resolve("blobs"),
                folder.resolve("keys"),
                1 << 20,
                1 << 20,
                new DriverArchive.Limits(100, 1 << 20, 4 << 20),
                new SqlBlobRecords(db.database),
                new SqlSigningKeys(db.database));
        records = new JpaArtifactRecords(db.database);
        drivers = new SignedDriverRepository(storage, records, profiles);
    }

    @AfterEach
    void close() {
        db.close();
    }

    static String manifest(String version, String kernels, String serves) {
        return """
                {"name":"xrt-zstd","version":"%s","osFamily":"linux","kernels":"%s","architecture":"x86_64",
                 "serves":[%s],
                 "files":[{"path":"lib/modules/xocl.ko","kind":"MODULE"},{"path":"etc/xrt.ini","kind":"CONFIG"}],
                 "loadInstructions":["insmod lib/modules/xocl.ko"]}
                """.formatted(version, kernels, serves);
    }

    /** A zip with the given entries, in order. */
    static byte[] zip(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static byte[] driverZip(String version, String kernels) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("hwp-driver.json", manifest(version, kernels, "\"family:alveo-u250\""));
        entries.put("lib/modules/xocl.ko", "xocl kernel module " + version);
        entries.put("etc/xrt.ini", "[Runtime]\nverbosity=4\n");
        return zip(entries);
    }

    private long blobs() throws IOException {
        try (Stream<Path> files = Files.walk(folder.resolve("blobs"))) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void addStoresSignsAndServesAPackage() throws IOException {
        byte[] archive = driverZip("2.16.204", "[5.4,6.9)");
        DriverPackage p = drivers.add(new ByteArrayInputStream(archive), "xrt-zstd.zip");
        assertThat(p.id()).isEqualTo("xrt-zstd-2.16.204-linux-x86_64");
        assertThat(p.archiveSha256()).isEqualTo(Sha256.of(BlobStore.sha256().digest(archive)));
        assertThat(p.sizeBytes()).isEqualTo(archive.length);
        assertThat(p.files()).extracting(DriverFile::path).containsExactly("lib/modules/xocl.ko", "etc/xrt.ini");
        assertThat(p.files().get(0).sha256())
                .isEqualTo(Sha256.of(
                        BlobStore.sha256().digest("xocl kernel module 2.16.204".getBytes(StandardCharsets.UTF_8))));
        try (InputStream in = drivers.open(p.id())) {
            assertThat(in.readAllBytes()).isEqualTo(archive);
        }
        // What a guest does: recompute both digests from the downloaded bytes and check the signature.
        byte[] manifestBytes = unzip(archive, "hwp-driver.json");
        byte[] payload = DriverSigner.payload(
                p.id(),
                Sha256.of(BlobStore.sha256().digest(archive)),
                Sha256.of(BlobStore.sha256().digest(manifestBytes)));
        assertThat(DriverSigner.verify(drivers.publicKey(), payload, p.signature()))
                .isTrue();
        manifestBytes[10] ^= 1;
        byte[] tampered = DriverSigner.payload(
                p.id(), p.archiveSha256(), Sha256.of(BlobStore.sha256().digest(manifestBytes)));
        assertThat(DriverSigner.verify(drivers.publicKey(), tampered, p.signature()))
                .isFalse();

        assertThat(drivers.add(new ByteArrayInputStream(archive), "again.zip"))
                .as("the same upload again")
                .isEqualTo(p);
        assertThat(blobs()).isEqualTo(1);
    }

    @Test
    void resolutionPicksTheHighestVersionForTheKernel() throws IOException {
        drivers.add(new ByteArrayInputStream(driverZip("2.14.0", "[4.18,6.9)")), "a.zip");
        drivers.add(new ByteArrayInputStream(driverZip("2.16.204", "[5.15,6.9)")), "b.zip");
        drivers.add(new ByteArrayInputStream(driverZip("2.17.0-rc1", "[5.15,6.9)")), "c.zip");
        drivers.add(new ByteArrayInputStream(driverZip("2.9.1", "[6.9,)")), "d.zip");
        assertThat(drivers.resolve("zstd-u250-v1", OsInfo.of("linux", "5.15.0-91-generic")))
                .map(DriverPackage::version)
                .contains("2.17.0-rc1");
        assertThat(drivers.resolve("zstd-u250-v1", OsInfo.of("linux", "5.4.0")))
                .map(DriverPackage::version)
                .contains("2.14.0");
        assertThat(drivers.resolve("zstd-u250-v1", OsInfo.of("linux", "6.10")))
                .map(DriverPackage::version)
                .contains("2.9.1");
        assertThat(drivers.resolve("zstd-u250-v1", OsInfo.of("linux", "4.4"))).isEmpty();
        assertThat(drivers.resolve("zstd-u250-v1", OsInfo.of("windows", null))).isEmpty();
        assertThat(drivers.resolve("yolov5-agilex-v1", OsInfo.of("linux", "5.15")))
                .as("another family")
                .isEmpty();
        assertThatThrownBy(() -> drivers.resolve("no-such-profile", OsInfo.of("linux", "5.15")))
                .isInstanceOf(HwpException.class)
                .extracting(e -> ((HwpException) e).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void aManifestThatDoesNotMatchItsFilesIsRefused() throws IOException {
        Map<String, String> missing = new LinkedHashMap<>();
        missing.put("hwp-driver.json", manifest("1.0", "*", "\"zstd-u250-v1\""));
        missing.put("lib/modules/xocl.ko", "module");
        assertRefused(zip(missing), "hwp-driver.json $.files[1].path", "'etc/xrt.ini' is not a file of the archive");

        Map<String, String> extra = new LinkedHashMap<>(missing);
        extra.put("etc/xrt.ini", "x");
        extra.put("bin/backdoor", "#!/bin/sh");
        assertRefused(zip(extra), "archive", "entry 'bin/backdoor': is not declared in hwp-driver.json");

        Map<String, String> badVersion = new LinkedHashMap<>(extra);
        badVersion.remove("bin/backdoor");
        badVersion.put("hwp-driver.json", manifest("latest", "*", "\"zstd-u250-v1\""));
        assertRefused(zip(badVersion), "hwp-driver.json $.version", "must be a version");

        Map<String, String> badJson = new LinkedHashMap<>(badVersion);
        badJson.put("hwp-driver.json", "{\"name\": ");
        assertRefused(zip(badJson), "hwp-driver.json $", "is not well-formed");
    }

    @Test
    void hostileArchivesAreRefusedAndNothingIsStored() throws IOException {
        Map<String, String> traversal = new LinkedHashMap<>();
        traversal.put("hwp-driver.json", manifest("1.0", "*", "\"zstd-u250-v1\""));
        traversal.put("../../etc/cron.d/evil", "* * * * * root sh");
        assertRefused(zip(traversal), "archive", "entry '../../etc/cron.d/evil'");
        Map<String, String> absolute = new LinkedHashMap<>();
        absolute.put("/etc/passwd", "root::0:0");
        assertRefused(zip(absolute), "archive", "entry '/etc/passwd'");
        assertRefused("not an archive at all".getBytes(), "archive", "is neither a zip nor a tar.gz archive");
        assertThatThrownBy(() -> drivers.add(new ByteArrayInputStream(new byte[2 << 20]), "big.zip"))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("is larger than the limit");
        assertThat(drivers.list()).isEmpty();
        assertThat(blobs()).isZero();
    }

    private void assertRefused(byte[] archive, String field, String reason) throws IOException {
        assertThatThrownBy(() -> drivers.add(new ByteArrayInputStream(archive), "p.zip"))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> {
                    assertThat(((ValidationException) e).field()).isEqualTo(field);
                    assertThat(((ValidationException) e).reason()).contains(reason);
                });
        assertThat(drivers.list()).isEmpty();
        assertThat(blobs()).isZero();
    }

    @Test
    void aPackageInUseCannotBeRemoved() throws IOException {
        DriverPackage p = drivers.add(new ByteArrayInputStream(driverZip("2.16.204", "*")), "p.zip");
        Instant now = Instant.now();
        Allocation active = new Allocation(
                "a-1",
                "vm-1",
                new org.hwpersonality.api.request.PersonalityRequest(
                        "vm-1", org.hwpersonality.api.OsInfo.of("linux", null), "compression", null),
                "zstd-u250-v1",
                "dev",
                "0",
                AllocationState.ACTIVE,
                Optional.of(p.id()),
                Optional.empty(),
                now,
                now);
        db.database.inTransaction(em -> {
            em.persist(new AllocationEntity(active));
            return null;
        });
        assertThatThrownBy(() -> drivers.remove(p.id())).hasMessageContaining("is used by allocation(s) [a-1]");
        assertThat(storage.blobs().cache().exists(p.archiveSha256())).isTrue();
        db.database.inTransaction(em -> {
            em.find(AllocationEntity.class, "a-1").update(active.moveTo(AllocationState.RELEASED, now.plusSeconds(1)));
            return null;
        });
        drivers.remove(p.id());
        assertThat(drivers.find(p.id())).isEmpty();
        assertThat(records.referencedBlobs()).doesNotContain(p.archiveSha256());
        assertThat(storage.blobs().cache().exists(p.archiveSha256()))
                .as("its archive is deleted from the cache with it (from the database by the collector)")
                .isFalse();
    }

    @Test
    void bitstreamsAreStoredOnceByDigest() throws IOException {
        FileBitstreamStore bitstreams = new FileBitstreamStore(storage, records);
        byte[] image = "xclbin2\0 a tiny image".getBytes(StandardCharsets.ISO_8859_1);
        var first = bitstreams.add(new ByteArrayInputStream(image), "resnet50.xclbin", "xilinx", ImageFormat.XCLBIN);
        var second = bitstreams.add(new ByteArrayInputStream(image), "copy.xclbin", "xilinx", ImageFormat.XCLBIN);
        assertThat(second).isEqualTo(first);
        assertThat(first.sizeBytes()).isEqualTo(image.length);
        assertThat(bitstreams.list()).containsExactly(first);
        assertThat(Files.readAllBytes(bitstreams.path(first.sha256()))).isEqualTo(image);
        assertThatThrownBy(() -> bitstreams.add(new ByteArrayInputStream(image), "../x", "xilinx", ImageFormat.XCLBIN))
                .hasMessageContaining("name: must be a file name");
        assertThatThrownBy(() -> bitstreams.add(new ByteArrayInputStream(image), "x", "Xilinx", ImageFormat.XCLBIN))
                .hasMessageContaining("vendor");
        assertThatThrownBy(() -> bitstreams.path(Sha256.of("9".repeat(64)))).isInstanceOf(HwpException.class);
    }

    private static byte[] unzip(byte[] archive, String name) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(name)) {
                    return zip.readAllBytes();
                }
            }
        }
        throw new IllegalArgumentException(name + " not in archive");
    }
}
