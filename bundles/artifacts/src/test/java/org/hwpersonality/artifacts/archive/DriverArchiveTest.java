package org.hwpersonality.artifacts.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.artifacts.archive.DriverArchive.Contents;
import org.hwpersonality.artifacts.archive.DriverArchive.FileEntry;
import org.hwpersonality.artifacts.archive.DriverArchive.Limits;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DriverArchiveTest {

    private static final Limits LIMITS = new Limits(1000, 100L << 20, 200L << 20);
    private static final byte[] MANIFEST =
            "{\"id\":\"acme.sensor\",\"version\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ helpers

    /** Builds a zip from (name, content) pairs; a null content writes nothing (use for "dir/" entries). */
    private Path zip(Object... nameContent) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(buf, StandardCharsets.UTF_8)) {
            for (int i = 0; i < nameContent.length; i += 2) {
                z.putNextEntry(new ZipEntry((String) nameContent[i]));
                Object content = nameContent[i + 1];
                if (content instanceof String s) {
                    z.write(s.getBytes(StandardCharsets.UTF_8));
                } else if (content instanceof byte[] b) {
                    z.write(b);
                }
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return TarBuilder.write(tmp.resolve("driver-" + System.nanoTime() + ".zip"), buf.toByteArray());
    }

    private Path tgz(TarBuilder tar) {
        return tar.writeTarGz(tmp.resolve("driver-" + System.nanoTime() + ".tar.gz"));
    }

    private static TarBuilder tarWithManifest() {
        return new TarBuilder().file(DriverArchive.MANIFEST, MANIFEST);
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    /** Asserts a refusal with field "archive" whose reason contains {@code expected}; returns the reason. */
    private static String refused(Path archive, Limits limits, String expected) {
        ValidationException e =
                catchThrowableOfType(ValidationException.class, () -> DriverArchive.read(archive, limits));
        assertThat(e).as("expected a refusal containing: %s", expected).isNotNull();
        assertThat(e.field()).isEqualTo("archive");
        assertThat(e.reason()).contains(expected);
        return e.reason();
    }

    private static String refused(Path archive, String expected) {
        return refused(archive, LIMITS, expected);
    }

    private static String entry(String name) {
        return "entry '" + name + "'";
    }

    // ------------------------------------------------------------------ valid archives

    @Test
    void readsValidZip() {
        byte[] tool = bytes(70_000, 1);
        byte[] lib = bytes(123, 2);
        Path archive = zip(
                "./hwp-driver.json",
                MANIFEST,
                "bin/",
                null,
                "./bin/tool",
                tool,
                "lib/",
                null,
                "lib/a.so",
                lib,
                "empty.txt",
                new byte[0]);

        Contents c = DriverArchive.read(archive, LIMITS);

        assertThat(c.manifest()).isEqualTo(MANIFEST);
        assertThat(c.files())
                .containsExactly(
                        new FileEntry("bin/tool", tool.length, sha256(tool)),
                        new FileEntry("lib/a.so", lib.length, sha256(lib)),
                        new FileEntry("empty.txt", 0, sha256(new byte[0])));
    }

    @Test
    void readsZipsAsInfoZipStreamsThem() throws IOException {
        HostileArchivesTest.run("zip", "-v"); // skipped where zip is not installed
        Path pkg = Files.createDirectories(tmp.resolve("pkg/lib")).getParent();
        Files.write(pkg.resolve(DriverArchive.MANIFEST), MANIFEST);
        byte[] so = bytes(70_000, 3);
        Files.write(pkg.resolve("lib/a.so"), so);
        for (String level : new String[] {"-0", "-6"}) { // stored entries then carry data descriptors
            Path out = tmp.resolve("streamed" + level + ".zip");
            HostileArchivesTest.run(
                    "sh", "-c", "cd '" + pkg + "' && zip -q " + level + " -r - . | cat > '" + out + "'");
            assertThat(DriverArchive.read(out, LIMITS).files())
                    .as(level)
                    .containsExactly(new FileEntry("lib/a.so", so.length, sha256(so)));
        }
    }

    @Test
    void acceptsTheRootEntryOfAZip() {
        Contents c = DriverArchive.read(zip("./", null, "hwp-driver.json", MANIFEST, "a.txt", "a"), LIMITS);
        assertThat(c.files()).extracting(FileEntry::path).containsExactly("a.txt");
    }

    @Test
    void readsValidTarGz() {
        byte[] so = bytes(5000, 3);
        byte[] readme = "hello\n".getBytes(StandardCharsets.UTF_8);
        TarBuilder tar = new TarBuilder()
                .dir("./") // the root entry that "tar -C dir ." writes first
                .dir("./lib/")
                .file("./hwp-driver.json", MANIFEST)
                .file("./lib/libx.so.1", so)
                .dir("./lib/") // repeated directory is fine
                .dir("lib")
                .file("README", readme);

        Contents c = DriverArchive.read(tgz(tar), LIMITS);

        assertThat(c.manifest()).isEqualTo(MANIFEST);
        assertThat(c.files())
                .containsExactly(
                        new FileEntry("lib/libx.so.1", so.length, sha256(so)),
                        new FileEntry("README", readme.length, sha256(readme)));
    }

    @Test
    void unpacksFilesAndDirectories() throws IOException {
        byte[] so = bytes(5000, 3);
        TarBuilder tar = new TarBuilder()
                .dir("./")
                .dir("./lib/")
                .file("./hwp-driver.json", MANIFEST)
                .file("./lib/libx.so.1", so)
                .dir("empty/");
        Path target = tmp.resolve("drivers/acme.sensor-1.0.0");

        Contents c = DriverArchive.unpack(tgz(tar), LIMITS, target);

        assertThat(c.files()).extracting(FileEntry::path).containsExactly("lib/libx.so.1");
        assertThat(Files.readAllBytes(target.resolve("lib/libx.so.1"))).isEqualTo(so);
        assertThat(Files.readAllBytes(target.resolve(DriverArchive.MANIFEST))).isEqualTo(MANIFEST);
        assertThat(target.resolve("empty")).isDirectory();
        try (var left = Files.list(target.getParent())) {
            assertThat(left).as("no partial folder is left").containsExactly(target);
        }
        assertThatThrownBy(() -> DriverArchive.unpack(tgz(tar), LIMITS, target))
                .as("an existing target is never overwritten")
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void aHostileArchiveUnpacksNothing() throws IOException {
        Path drivers = Files.createDirectories(tmp.resolve("drivers"));
        Path[] hostile = {
            tgz(tarWithManifest().file("../escape.sh", "x")),
            tgz(tarWithManifest().dir("lib/").symlink("lib/evil", "../../etc/passwd")),
            tgz(tarWithManifest().symlink("lib", "/etc").file("lib/passwd", "x")),
            zip(DriverArchive.MANIFEST, MANIFEST, "/abs.sh", "x"),
            zip("only-a-file.txt", "x")
        };
        for (Path archive : hostile) {
            assertThatThrownBy(() -> DriverArchive.unpack(archive, LIMITS, drivers.resolve("pkg")))
                    .as(archive.toString())
                    .isInstanceOf(ValidationException.class);
        }
        try (var left = Files.list(drivers)) {
            assertThat(left).isEmpty();
        }
        assertThat(tmp.getParent().resolve("escape.sh")).doesNotExist();
    }

    @Test
    void readsTarExtensions() {
        String longName = "deep/" + "d".repeat(120) + "/firmware.bin";
        byte[] fw = bytes(1500, 4);
        byte[] paxData = bytes(700, 5);
        byte[] prefixed = bytes(10, 6);
        byte[] big = bytes(513, 7);

        TarBuilder tar = tarWithManifest()
                .pax('g', Map.of("comment", "a global header, as git archive writes one"))
                .file(longName, fw); // GNU 'L'

        // pax 'x': path and size override the header (whose size field says 0)
        Map<String, String> pax = new LinkedHashMap<>();
        pax.put("path", "pax/über-name.bin");
        pax.put("size", String.valueOf(paxData.length));
        tar.pax('x', pax);
        tar.header(new TarBuilder.Header("ignored-name", '0')).data(paxData);

        // ustar prefix + name
        TarBuilder.Header h = new TarBuilder.Header("file.dat", '0');
        h.prefix = "with/prefix";
        tar.entry(h, prefixed);

        // GNU base-256 size
        TarBuilder.Header b = new TarBuilder.Header("base256.bin", '0');
        b.base256Size = true;
        tar.entry(b, big);

        Contents c = DriverArchive.read(tgz(tar), LIMITS);

        assertThat(c.files())
                .containsExactly(
                        new FileEntry(longName, fw.length, sha256(fw)),
                        new FileEntry("pax/über-name.bin", paxData.length, sha256(paxData)),
                        new FileEntry("with/prefix/file.dat", prefixed.length, sha256(prefixed)),
                        new FileEntry("base256.bin", big.length, sha256(big)));
    }

    @Test
    void tarMayEndWithoutZeroBlocks() {
        byte[] tar = tarWithManifest().file("a.txt", "a").tarWithoutEnd();
        Path archive = TarBuilder.write(tmp.resolve("noend.tar.gz"), TarBuilder.gzip(tar));
        assertThat(DriverArchive.read(archive, LIMITS).files())
                .extracting(FileEntry::path)
                .containsExactly("a.txt");
    }

    @Test
    void manifestInASubdirectoryIsJustAFile() {
        Path archive = zip("hwp-driver.json", MANIFEST, "sub/hwp-driver.json", "{}");
        assertThat(DriverArchive.read(archive, LIMITS).files())
                .extracting(FileEntry::path)
                .containsExactly("sub/hwp-driver.json");
    }

    // ------------------------------------------------------------------ whole-archive problems

    @Test
    void refusesUnknownFormat() {
        Path text = TarBuilder.write(tmp.resolve("x.txt"), "just text".getBytes(StandardCharsets.UTF_8));
        Path empty = TarBuilder.write(tmp.resolve("empty"), new byte[0]);
        Path plainTar =
                TarBuilder.write(tmp.resolve("plain.tar"), tarWithManifest().tar());
        for (Path p : new Path[] {text, empty, plainTar}) {
            assertThat(refused(p, "is neither a zip nor a tar.gz archive"))
                    .isEqualTo("is neither a zip nor a tar.gz archive");
        }
    }

    @Test
    void missingFileIsUncheckedIOException() {
        assertThatThrownBy(() -> DriverArchive.read(tmp.resolve("nope.zip"), LIMITS))
                .isInstanceOf(UncheckedIOException.class);
    }

    // ------------------------------------------------------------------ rule 1: paths

    static Stream<String> badPaths() {
        return Stream.of(
                "/etc/passwd",
                "C:/Windows/evil.dll",
                "c:evil",
                "lib\\evil.dll",
                "../evil",
                "lib/../../evil",
                "lib/..",
                "a//b",
                "a\u0001b",
                "a\u007fb",
                "x".repeat(1025),
                "a/./b");
    }

    @ParameterizedTest
    @MethodSource("badPaths")
    void refusesBadPathInZip(String name) {
        refused(zip("hwp-driver.json", MANIFEST, name, "x"), entry(name));
    }

    @ParameterizedTest
    @MethodSource("badPaths")
    void refusesBadPathInTar(String name) {
        refused(tgz(tarWithManifest().file(name, "x")), entry(name));
    }

    @Test
    void refusesNulInName() {
        String name = "a\u0000b";
        assertThat(refused(zip("hwp-driver.json", MANIFEST, name, "x"), entry(name)))
                .contains("NUL");
        // tar header fields are NUL-terminated, so a NUL can only come through a pax path
        TarBuilder tar = tarWithManifest().pax('x', Map.of("path", name));
        tar.file("whatever", "x");
        refused(tgz(tar), entry(name));
    }

    @Test
    void refusesBadPathMessages() {
        assertThat(refused(zip("/etc/passwd", "x"), entry("/etc/passwd")))
                .isEqualTo("entry '/etc/passwd': path is absolute");
        assertThat(refused(zip("a//b", "x"), entry("a//b"))).isEqualTo("entry 'a//b': path has an empty segment");
        assertThat(refused(zip("../x", "x"), entry("../x"))).isEqualTo("entry '../x': path has a '..' segment");
    }

    @Test
    void acceptsPathOf1024Chars() {
        String name = "x".repeat(1024);
        Path archive = zip("hwp-driver.json", MANIFEST, name, "x");
        assertThat(DriverArchive.read(archive, LIMITS).files())
                .extracting(FileEntry::path)
                .containsExactly(name);
    }

    // ------------------------------------------------------------------ rule 2: duplicates

    @Test
    void refusesDuplicateFilesInZip() {
        refused(
                zip("hwp-driver.json", MANIFEST, "a", "1", "./a", "2"),
                entry("./a") + ": duplicates the earlier entry 'a'");
    }

    @Test
    void refusesFileThenDirInZip() {
        refused(zip("hwp-driver.json", MANIFEST, "a", "1", "a/", null), entry("a/"));
    }

    @Test
    void refusesDirThenFileInZip() {
        refused(zip("hwp-driver.json", MANIFEST, "a/", null, "./a", "1"), entry("./a"));
    }

    @Test
    void refusesDuplicateManifest() {
        refused(zip("hwp-driver.json", MANIFEST, "./hwp-driver.json", MANIFEST), entry("./hwp-driver.json"));
    }

    @Test
    void refusesDuplicatesInTar() {
        refused(tgz(tarWithManifest().file("a", "1").file("a", "2")), entry("a") + ": duplicates");
        refused(tgz(tarWithManifest().file("a", "1").dir("a/")), entry("a/"));
        refused(tgz(tarWithManifest().dir("a").file("a", "1")), entry("a") + ": duplicates");
    }

    @Test
    void allowsRepeatedDirectories() {
        Path archive = zip("hwp-driver.json", MANIFEST, "a/", null, "./a/", null, "a/x", "1");
        assertThat(DriverArchive.read(archive, LIMITS).files())
                .extracting(FileEntry::path)
                .containsExactly("a/x");
    }

    // ------------------------------------------------------------------ rule 3: links and special files

    @Test
    void refusesEverySymlinkWhereverItPoints() {
        refused(
                tgz(tarWithManifest().dir("lib/").symlink("lib/evil", "../../etc/passwd")),
                entry("lib/evil") + ": is a symbolic link (to '../../etc/passwd')");
        refused(tgz(tarWithManifest().symlink("passwd", "/etc/passwd")), entry("passwd") + ": is a symbolic link");
        refused(tgz(tarWithManifest().symlink("lib/x.so", "x.so.1")), entry("lib/x.so") + ": is a symbolic link");
    }

    @Test
    void refusesEveryHardLink() {
        refused(tgz(tarWithManifest().hardlink("hl", "nothere")), entry("hl") + ": is a hard link (to 'nothere')");
        refused(tgz(tarWithManifest().file("f", "1").hardlink("hl", "f")), entry("hl") + ": is a hard link");
        refused(tgz(tarWithManifest().hardlink("hl", "/etc/passwd")), entry("hl"));
    }

    @Test
    void refusesEntryBeneathAFile() {
        refused(tgz(tarWithManifest().file("f", "1").file("f/x", "2")), entry("f/x") + ": lies beneath 'f'");
    }

    @ParameterizedTest
    @ValueSource(chars = {'3', '4', '6', 'Z', 'S'})
    void refusesDevicesFifosAndUnknownTypes(char type) {
        refused(tgz(tarWithManifest().special("dev/thing", type)), entry("dev/thing"));
    }

    @Test
    void refusesLinkNamedAsManifest() {
        refused(
                tgz(new TarBuilder().file("real.json", MANIFEST).symlink("hwp-driver.json", "real.json")),
                entry("hwp-driver.json") + ": is a symbolic link");
    }

    // ------------------------------------------------------------------ rule 4: limits

    @Test
    void refusesTooManyEntriesNamingTheFirstOverTheLimit() {
        Limits limits = new Limits(3, 1 << 20, 1 << 20);
        Path z = zip("hwp-driver.json", MANIFEST, "d/", null, "d/a", "1", "d/b", "2", "d/c", "3");
        assertThat(refused(z, limits, entry("d/b"))).contains("limit of 3 entries");
        Path t = tgz(tarWithManifest().dir("d").file("d/b", "2").file("d/a", "1"));
        refused(t, limits, entry("d/a"));
    }

    @Test
    void refusesEntryLargerThanLimit() {
        Limits limits = new Limits(10, 1000, 1 << 20);
        refused(
                zip("hwp-driver.json", MANIFEST, "big.bin", bytes(1001, 1)),
                limits,
                entry("big.bin") + ": is larger than");
        refused(tgz(tarWithManifest().file("big.bin", bytes(1001, 1))), limits, entry("big.bin"));
        // exactly at the limit is fine
        assertThat(DriverArchive.read(zip("hwp-driver.json", MANIFEST, "ok.bin", bytes(1000, 1)), limits)
                        .files())
                .hasSize(1);
    }

    @Test
    void refusesTotalOverLimitNamingTheEntry() {
        Limits limits = new Limits(10, 1 << 20, MANIFEST.length + 1000L);
        refused(
                zip("hwp-driver.json", MANIFEST, "a", bytes(600, 1), "b", bytes(600, 2)),
                limits,
                entry("b") + ": brings");
        refused(tgz(tarWithManifest().file("a", bytes(600, 1)).file("b", bytes(600, 2))), limits, entry("b"));
    }

    @Test
    void stopsZipBombQuickly() throws IOException {
        Path bomb = tmp.resolve("bomb.zip");
        try (OutputStream os = Files.newOutputStream(bomb);
                ZipOutputStream z = new ZipOutputStream(os)) {
            z.putNextEntry(new ZipEntry("hwp-driver.json"));
            z.write(MANIFEST);
            z.putNextEntry(new ZipEntry("zeros.bin"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 50; i++) {
                z.write(zeros);
            }
            z.closeEntry();
        }
        assertThat(Files.size(bomb)).isLessThan(1 << 20); // it really is compressed

        Limits limits = new Limits(10, 100L << 20, 10L << 20, 100_000); // the ratio limit out of the way
        long start = System.nanoTime();
        refused(bomb, limits, entry("zeros.bin") + ": brings the archive's total size over the limit");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void stopsTarGzBombQuickly() {
        byte[] tar = tarWithManifest().file("zeros.bin", new byte[50 << 20]).tar();
        Path bomb = TarBuilder.write(tmp.resolve("bomb.tar.gz"), TarBuilder.gzip(tar));
        refused(bomb, new Limits(10, 10L << 20, 100L << 20, 100_000), entry("zeros.bin") + ": is larger than");
        refused(bomb, new Limits(10, 100L << 20, 100L << 20), entry("zeros.bin") + ": expands more than 100 times");
    }

    // ------------------------------------------------------------------ rule 5: manifest

    @Test
    void refusesMissingManifest() {
        assertThat(refused(zip("sub/hwp-driver.json", MANIFEST, "a", "1"), "has no hwp-driver.json at its root"))
                .isEqualTo("has no hwp-driver.json at its root");
        refused(tgz(new TarBuilder().file("a", "1")), "has no hwp-driver.json at its root");
    }

    @Test
    void refusesManifestThatIsADirectory() {
        refused(zip("hwp-driver.json/", null), entry("hwp-driver.json/") + ": must be a regular file");
        refused(tgz(new TarBuilder().dir("hwp-driver.json")), entry("hwp-driver.json/") + ": must be a regular file");
    }

    @Test
    void refusesManifestOver1MiB() {
        byte[] huge = new byte[(1 << 20) + 1];
        new Random(7).nextBytes(huge); // incompressible: the size limit, not the ratio limit, is tested
        refused(zip("./hwp-driver.json", huge), entry("./hwp-driver.json") + ": is larger than the manifest limit");
        refused(tgz(new TarBuilder().file("hwp-driver.json", huge)), entry("hwp-driver.json"));
    }

    // ------------------------------------------------------------------ rule 6: tar parsing

    @Test
    void refusesBadHeaderChecksumNamingTheEntry() {
        TarBuilder tar = tarWithManifest();
        TarBuilder.Header h = new TarBuilder.Header("bad/sum.bin", '0');
        h.badChecksum = true;
        tar.entry(h, bytes(10, 1));
        assertThat(refused(tgz(tar), entry("bad/sum.bin"))).isEqualTo("entry 'bad/sum.bin': has a bad header checksum");
    }

    @Test
    void refusesGarbageHeaderWithOffset() {
        byte[] garbage = new byte[512];
        Arrays.fill(garbage, (byte) 0xff);
        // manifest header (512) + manifest data padded (512) -> the garbage starts at byte 1024
        TarBuilder tar = tarWithManifest().raw(garbage);
        assertThat(refused(tgz(tar), "is corrupt at byte 1024"))
                .isEqualTo("is corrupt at byte 1024 (not a tar header)");
    }

    @Test
    void refusesLongNameEntriesByTheirFullName() {
        String longName = "dir/" + "n".repeat(150) + "/../../../etc/cron.d/x";
        refused(tgz(tarWithManifest().file(longName, "x")), entry(longName) + ": path has a '..' segment");
    }

    @Test
    void refusesLongLinkTargetsByTheEntryName() {
        String target = "../".repeat(40) + "etc/passwd";
        refused(
                tgz(tarWithManifest().symlink("lib/long", target)),
                entry("lib/long") + ": is a symbolic link (to '" + target + "')");
    }

    @Test
    void refusesPaxPathByThePaxName() {
        TarBuilder tar = tarWithManifest().pax('x', Map.of("path", "../pax/evil"));
        tar.file("innocent", "x");
        refused(tgz(tar), entry("../pax/evil"));
    }

    @Test
    void refusesPaxLinkpathEscape() {
        TarBuilder tar = tarWithManifest().pax('x', Map.of("linkpath", "../../etc/shadow"));
        tar.symlink("lib/s", "harmless");
        refused(tgz(tar), entry("lib/s") + ": is a symbolic link (to '../../etc/shadow')");
    }

    @Test
    void refusesMalformedPaxHeader() {
        TarBuilder tar = tarWithManifest();
        byte[] data = "99 path=x\n".getBytes(StandardCharsets.UTF_8);
        TarBuilder.Header h = new TarBuilder.Header("PaxHeaders/bad", 'x');
        h.size = data.length;
        tar.header(h).data(data);
        tar.file("x", "1");
        refused(tgz(tar), "is corrupt");
    }

    @Test
    void refusesTruncatedTarGz() {
        byte[] full = tarWithManifest().file("payload.bin", bytes(5000, 9)).tar();
        // cut in the middle of payload.bin's content, then compress the rest properly
        byte[] cut = Arrays.copyOf(full, 1024 + 512 + 2000);
        Path archive = TarBuilder.write(tmp.resolve("cut.tar.gz"), TarBuilder.gzip(cut));
        assertThat(refused(archive, "is truncated")).isEqualTo("is truncated");

        // cut in a header
        byte[] cutHeader = Arrays.copyOf(full, 1024 + 100);
        refused(TarBuilder.write(tmp.resolve("cuthdr.tar.gz"), TarBuilder.gzip(cutHeader)), "is truncated");

        // cut the compressed stream itself
        byte[] gz = TarBuilder.gzip(full);
        byte[] cutGz = Arrays.copyOf(gz, gz.length / 2);
        refused(TarBuilder.write(tmp.resolve("cutgz.tar.gz"), cutGz), "is truncated");
    }

    @Test
    void refusesTruncatedZip() throws IOException {
        byte[] random = new byte[200_000];
        new Random(42).nextBytes(random); // incompressible, so half the file ends inside this entry
        Path z = zip("hwp-driver.json", MANIFEST, "data.bin", random);
        byte[] all = Files.readAllBytes(z);
        Path cut = TarBuilder.write(tmp.resolve("cut.zip"), Arrays.copyOf(all, all.length / 2));
        refused(cut, "is corrupt"); // no central directory left
    }

    @Test
    void refusesNonRegularEntryWithContent() {
        TarBuilder tar = tarWithManifest();
        TarBuilder.Header h = new TarBuilder.Header("lib/", '5');
        tar.entry(h, bytes(10, 1));
        refused(tgz(tar), entry("lib/") + ": is not a regular file");
    }

    // ------------------------------------------------------------------ rule 7: zip specifics

    @Test
    void zipDirectoryWithContentIsRefused() {
        refused(
                zip("hwp-driver.json", MANIFEST, "dir/", "surprise"),
                entry("dir/") + ": is a directory but has content");
    }

    @Nested
    class ContentsRecord {
        @Test
        void filesListIsImmutable() {
            Contents c = DriverArchive.read(zip("hwp-driver.json", MANIFEST, "a", "1"), LIMITS);
            assertThatThrownBy(() -> c.files().clear()).isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
