package org.hwpersonality.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The agent's TLS trust against a real HTTPS server (the JDK's HttpsServer) whose certificate a test CA made with
 * keytool signed: the right CA is accepted, another CA refused; a matching key pin accepted, another refused; and over
 * plain http:// the agent refuses to fetch the signing key unless it is pinned with --public-key.
 */
class ServerTrustTest {
    private static final String PASS = "changeit";
    private static final String KEY_PEM =
            "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA" + "A".repeat(43) + "=\n-----END PUBLIC KEY-----\n";

    @TempDir
    static Path dir;

    private static HttpsServer https;
    private static X509Certificate serverCertificate;
    private static Path rightCa;
    private static Path wrongCa;

    @BeforeAll
    static void start() throws Exception {
        // a CA, a server key signed by it for localhost and 127.0.0.1, and an unrelated CA
        keytool(
                "-genkeypair",
                "-alias",
                "ca",
                "-keyalg",
                "EC",
                "-dname",
                "CN=HWP test CA",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                "ca.p12");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        keytool(
                "-genkeypair",
                "-alias",
                "other",
                "-keyalg",
                "EC",
                "-dname",
                "CN=Another CA",
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-keystore",
                "other.p12");
        keytool("-exportcert", "-rfc", "-alias", "other", "-keystore", "other.p12", "-file", "other.pem");
        keytool(
                "-genkeypair",
                "-alias",
                "server",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-validity",
                "2",
                "-keystore",
                "server.p12");
        keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-file", "server.csr");
        keytool(
                "-gencert",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-infile",
                "server.csr",
                "-outfile",
                "server.pem",
                "-rfc",
                "-ext",
                "san=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", "server.p12", "-file", "ca.pem");
        keytool("-importcert", "-alias", "server", "-keystore", "server.p12", "-file", "server.pem");
        rightCa = dir.resolve("ca.pem");
        wrongCa = dir.resolve("other.pem");
        serverCertificate = ServerTrust.certificates(dir.resolve("server.pem")).get(0);

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            store.load(in, PASS.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, PASS.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.createContext("/hwp/api/v1/drivers/public-key", x -> {
            byte[] body = KEY_PEM.getBytes(StandardCharsets.US_ASCII);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        https.start();
    }

    @AfterAll
    static void stop() {
        if (https != null) {
            https.stop(0);
        }
    }

    private static URI api() {
        return URI.create("https://localhost:" + https.getAddress().getPort() + "/hwp/api/v1");
    }

    private static byte[] fetchKey(Optional<Path> ca, Optional<String> pin) throws ApiException {
        return new ApiClient(api(), "hwp_test", ServerTrust.context(ca, pin)).publicKey();
    }

    @Test
    void theRightCaIsAccepted() throws Exception {
        assertThat(fetchKey(Optional.of(rightCa), Optional.empty())).hasSize(44);
    }

    @Test
    void anotherCaIsRefused() {
        assertThatThrownBy(() -> fetchKey(Optional.of(wrongCa), Optional.empty()))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("PKIX");
    }

    @Test
    void theJvmsOwnCaCertificatesDoNotTrustTheTestCa() {
        assertThatThrownBy(() -> fetchKey(Optional.empty(), Optional.empty())).isInstanceOf(ApiException.class);
    }

    @Test
    void aMatchingKeyPinIsAcceptedAsBase64OrHex() throws Exception {
        byte[] pin = ServerTrust.keyPin(serverCertificate);
        assertThat(fetchKey(Optional.empty(), Optional.of(Base64.getEncoder().encodeToString(pin))))
                .hasSize(44);
        assertThat(fetchKey(Optional.empty(), Optional.of(HexFormat.of().formatHex(pin))))
                .hasSize(44);
        assertThat(fetchKey(
                        Optional.of(rightCa),
                        Optional.of("sha256//" + Base64.getEncoder().encodeToString(pin))))
                .hasSize(44);
    }

    @Test
    void anotherKeyPinIsRefused() throws Exception {
        byte[] other = ServerTrust.keyPin(ServerTrust.certificates(wrongCa).get(0));
        assertThatThrownBy(() -> fetchKey(
                        Optional.empty(), Optional.of(Base64.getEncoder().encodeToString(other))))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("does not match --pin-sha256");
        // the right CA does not rescue a wrong pin
        assertThatThrownBy(() -> fetchKey(
                        Optional.of(rightCa), Optional.of(HexFormat.of().formatHex(other))))
                .isInstanceOf(ApiException.class);
    }

    @Test
    void malformedPinsAndCaFilesAreNamed() throws IOException {
        assertThatThrownBy(() -> ServerTrust.pin("abc")).hasMessageContaining("--pin-sha256");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
        assertThatThrownBy(() -> ServerTrust.certificates(notPem)).hasMessageContaining("--ca-file");
    }

    @Test
    void overPlainHttpTheAgentRefusesAnUnpinnedSigningKey() throws Exception {
        AtomicInteger keyRequests = new AtomicInteger();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", x -> {
            if (x.getRequestURI().getPath().endsWith("/drivers/public-key")) {
                keyRequests.incrementAndGet();
            }
            x.sendResponseHeaders(503, -1);
            x.close();
        });
        http.start();
        try {
            String server = "http://127.0.0.1:" + http.getAddress().getPort() + "/hwp/api/v1";
            StringWriter err = new StringWriter();
            int status = agent(err, "--server", server, "--once");
            assertThat(status).isEqualTo(2);
            assertThat(err.toString())
                    .contains("refusing to trust a driver-signing key fetched over plain http://")
                    .contains("--public-key");
            assertThat(keyRequests).hasValue(0);

            StringWriter tlsErr = new StringWriter();
            assertThat(agent(tlsErr, "--server", server, "--ca-file", rightCa.toString(), "--once"))
                    .isEqualTo(2);
            assertThat(tlsErr.toString()).contains("need an https:// --server");
        } finally {
            http.stop(0);
        }
    }

    private int agent(StringWriter err, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of(
                "--token",
                "hwp_test",
                "--vm",
                "vm-1",
                "--workload",
                "compression",
                "--metrics-command",
                "true",
                "--driver-dir",
                Files.createTempDirectory(dir, "drivers").toString(),
                "--load-command",
                "true"));
        CommandLine cli = new CommandLine(new AgentMain());
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args.toArray(String[]::new));
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", PASS, "-storetype", "PKCS12"));
        if (List.of(args).contains("-genkeypair")) {
            command.addAll(List.of("-keypass", PASS));
        }
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
    }
}
