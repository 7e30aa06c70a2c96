package org.hwpersonality.artifacts.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.artifacts.archive.DriverArchive.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One test per class of hostile archive: each is built here, byte by byte where needed, refused naming the entry, and
 * checked with a standard tool (unzip, zipinfo, tar, gzip, or Java's streaming ZipInputStream) to really hold what the
 * test claims, so the refusal is about a real difference and not an artefact of the builder.
 */
class HostileArchivesTest {
    private static final Limits LIMITS = new Limits(1000, 1L << 30, 1L << 30);
    private static final byte[] MANIFEST = "{\"name\":\"acme\"}".getBytes(StandardCharsets.UTF_8);
    private static final String M = DriverArchive.MANIFEST;

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ zip: central directory vs local headers

    @Test
    void zipEntryOnlyTheCentralDirectoryLists() throws IOException {
        // c.txt's local header and data hide inside the (stored) data of a.bin; the central directory points at them
        ZipSurgery inner = ZipSurgery.of(ZipSurgery.zip(true, "c.txt", "hidden payload"));
        ZipSurgery outer = ZipSurgery.of(ZipSurgery.zip(true, M, MANIFEST, "a.bin", inner.local));
        int hidden = outer.dataOffset(ZipSurgery.localOffset(outer.record("a.bin")));
        outer.central.add(ZipSurgery.withLocalOffset(inner.record("c.txt"), hidden));
        Path zip = write("cd-only.zip", outer.bytes());

        assertThat(refused(zip))
                .isEqualTo("entry 'c.txt': is listed only in the central directory: its local header lies inside"
                        + " the data of 'a.bin'");
        assertThat(unzipList(zip)).contains("c.txt", "a.bin", M);
        assertThat(streamedNames(zip)).containsExactly(M, "a.bin");
    }

    @Test
    void zipEntryOnlyALocalHeaderLists() throws IOException {
        ZipSurgery s = ZipSurgery.of(ZipSurgery.zip(false, M, MANIFEST, "hidden.sh", "rm -rf /", "b.txt", "b"));
        s.central.removeIf(r -> ZipSurgery.name(r).equals("hidden.sh"));
        Path zip = write("local-only.zip", s.bytes());

        assertThat(refused(zip)).isEqualTo("entry 'hidden.sh': is in a local header but not in the central directory");
        assertThat(unzipList(zip)).contains("b.txt").doesNotContain("hidden.sh");
        assertThat(streamedNames(zip)).containsExactly(M, "hidden.sh", "b.txt");
    }

    @Test
    void zipNamesThatDifferBetweenCentralDirectoryAndLocalHeader() throws IOException {
        byte[] bytes = ZipSurgery.zip(false, M, MANIFEST, "good.txt", "hello");
        Path zip = write("renamed.zip", ZipSurgery.replaceFirst(bytes, "good.txt", "evil.txt")); // the local header

        assertThat(refused(zip))
                .isEqualTo("entry 'good.txt': the central directory names it 'good.txt' but its local header"
                        + " 'evil.txt'");
        assertThat(unzipList(zip)).contains("good.txt").doesNotContain("evil.txt");
        assertThat(streamedNames(zip)).containsExactly(M, "evil.txt");
    }

    @ParameterizedTest
    @CsvSource({
        "0120777, l, is a symbolic link",
        "0020644, c, is a character device",
        "0060644, b, is a block device",
        "0010644, p, is a FIFO",
        "0140755, s, is a socket"
    })
    void zipEntriesWithSpecialUnixModes(String octalMode, char zipinfoType, String reason) throws IOException {
        int mode = Integer.parseInt(octalMode, 8);
        Path zip = tmp.resolve("mode-" + octalMode + ".zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            ZipArchiveEntry manifest = new ZipArchiveEntry(M);
            manifest.setUnixMode(0100644);
            out.putArchiveEntry(manifest);
            out.write(MANIFEST);
            out.closeArchiveEntry();
            ZipArchiveEntry special = new ZipArchiveEntry("lib/special");
            special.setUnixMode(mode);
            out.putArchiveEntry(special);
            out.write("/etc/passwd".getBytes(StandardCharsets.UTF_8));
            out.closeArchiveEntry();
        }

        assertThat(refused(zip)).startsWith("entry 'lib/special': " + reason);
        String line = run("zipinfo", zip.toString())
                .lines()
                .filter(l -> l.endsWith("lib/special"))
                .findFirst()
                .orElseThrow();
        assertThat(line).startsWith(String.valueOf(zipinfoType)); // zipinfo's file type, as unzip would create it
    }

    @Test
    void zipBombStoppedByTheRatioLimit() throws IOException {
        Path zip = write("bomb.zip", ZipSurgery.zip(false, M, MANIFEST, "zeros.bin", new byte[50 << 20]));
        assertThat(Files.size(zip)).isLessThan(100_000);

        long start = System.nanoTime();
        assertThat(refused(zip)).startsWith("entry 'zeros.bin': expands more than 100 times its compressed size");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(unzipList(zip)).contains("52428800");
    }

    // ------------------------------------------------------------------ tar

    @ParameterizedTest
    @CsvSource({
        "2, l, is a symbolic link",
        "1, h, is a hard link",
        "3, c, is a character device",
        "4, b, is a block device",
        "6, p, is a FIFO"
    })
    void tarLinksAndDevices(char type, char tarType, String reason) {
        TarBuilder tar = new TarBuilder().file(M, MANIFEST).file("lib/x.so.1", "elf");
        TarBuilder.Header h = new TarBuilder.Header("lib/x.so", type);
        h.link = type == '1' ? "lib/x.so.1" : "x.so.1";
        tar.entry(h, new byte[0]);
        Path tgz = tar.writeTarGz(tmp.resolve("type-" + type + ".tar.gz"));

        assertThat(refused(tgz)).startsWith("entry 'lib/x.so': " + reason);
        String line = tarList(tgz)
                .lines()
                .filter(l -> l.contains("lib/x.so ") || l.endsWith("lib/x.so"))
                .findFirst()
                .orElseThrow();
        assertThat(line).startsWith(String.valueOf(tarType));
    }

    @Test
    void tarPaxAndGnuHeadersCountAsEntries() {
        Path pax = new TarBuilder()
                .file(M, MANIFEST)
                .pax('x', Map.of("comment", "metadata"))
                .file("a.txt", "1")
                .writeTarGz(tmp.resolve("pax.tar.gz"));
        Limits two = new Limits(2, 1 << 20, 1 << 20);
        // without the pax header a.txt would be the second entry
        assertThat(refused(pax, two)).isEqualTo("entry 'a.txt': exceeds the limit of 2 entries");
        assertThat(tarList(pax).lines()).hasSize(2); // tar lists two members
        assertThat(DriverArchive.read(pax, new Limits(3, 1 << 20, 1 << 20)).files())
                .hasSize(1);

        String longName = "lib/" + "n".repeat(150) + ".so";
        Path gnu = new TarBuilder().file(M, MANIFEST).file(longName, "1").writeTarGz(tmp.resolve("gnu.tar.gz"));
        assertThat(refused(gnu, two)).endsWith("exceeds the limit of 2 entries");
        assertThat(tarList(gnu).lines()).hasSize(2).anyMatch(l -> l.endsWith(longName));
    }

    @Test
    void tarHeaderBytesCountTowardsTheTotal() {
        Path tgz = new TarBuilder()
                .file(M, MANIFEST)
                .pax('x', Map.of("comment", "x".repeat(300_000)))
                .file("a.txt", "1")
                .writeTarGz(tmp.resolve("fat-header.tar.gz"));

        assertThat(refused(tgz, new Limits(100, 1 << 20, 100_000)))
                .isEqualTo("entry 'a.txt': brings the archive's total size over the limit of 100000 bytes");
        String line = tarList(tgz)
                .lines()
                .filter(l -> l.endsWith("a.txt"))
                .findFirst()
                .orElseThrow();
        assertThat(line.split("\\s+")[2]).isEqualTo("1"); // its content is one byte: the rest is header
    }

    @Test
    void tarGzBombStoppedByTheRatioLimit() throws IOException {
        Path tgz = new TarBuilder()
                .file(M, MANIFEST)
                .file("zeros.bin", new byte[50 << 20])
                .writeTarGz(tmp.resolve("bomb.tar.gz"));
        assertThat(Files.size(tgz)).isLessThan(100_000);

        long start = System.nanoTime();
        assertThat(refused(tgz)).startsWith("entry 'zeros.bin': expands more than 100 times its compressed size");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        String[] gzip = run("gzip", "-l", tgz.toString())
                .lines()
                .skip(1)
                .findFirst()
                .orElseThrow()
                .trim()
                .split("\\s+");
        assertThat(Long.parseLong(gzip[1]) / Long.parseLong(gzip[0])).isGreaterThan(100); // uncompressed / compressed
    }

    @Test
    void tarAbsolutePathsEvenThroughPaxAreRefused() {
        TarBuilder tar = new TarBuilder().file(M, MANIFEST).pax('x', Map.of("path", "/etc/cron.d/evil"));
        tar.file("innocent", "x");
        Path tgz = tar.writeTarGz(tmp.resolve("abs.tar.gz"));

        assertThat(refused(tgz)).isEqualTo("entry '/etc/cron.d/evil': path is absolute");
        assertThat(tarList(tgz)).contains("etc/cron.d/evil"); // tar reads the pax path (stripping the '/')
    }

    // ------------------------------------------------------------------ helpers

    private Path write(String name, byte[] bytes) {
        try {
            return Files.write(tmp.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String refused(Path archive) {
        return refused(archive, LIMITS);
    }

    private static String refused(Path archive, Limits limits) {
        ValidationException e =
                catchThrowableOfType(ValidationException.class, () -> DriverArchive.read(archive, limits));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.field()).isEqualTo("archive");
        return e.reason();
    }

    /** The names a streaming reader (Java's ZipInputStream, which walks the local headers) sees. */
    private static List<String> streamedNames(Path zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(zip)))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        return names;
    }

    /** What unzip lists (from the central directory). */
    private static String unzipList(Path zip) {
        return run("unzip", "-l", zip.toString());
    }

    private static String tarList(Path tgz) {
        return run("tar", "-tvzf", tgz.toString());
    }

    /** Runs a standard tool and returns its output; the test is skipped where the tool is not installed. */
    static String run(String... command) {
        boolean present = System.getenv("PATH") != null
                && java.util.Arrays.stream(System.getenv("PATH").split(":"))
                        .anyMatch(d -> Files.isExecutable(Path.of(d, command[0])));
        assumeTrue(present, command[0] + " is not installed");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            p.getInputStream().transferTo(out);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
