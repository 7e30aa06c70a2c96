package org.hwpersonality.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The distribution as it ships, started the way an operator starts it ({@code bin/start}, without {@code
 * HWP_ADMIN_PASSWORD}): the administrator's password is generated and shown once, {@code karaf}/{@code karaf} does
 * not log in, SSH and plain HTTP listen on loopback only, and HTTPS is served with the certificate made on first start.
 */
class SecureDefaultsIT {
    private static Distribution node;
    private static String password;

    @BeforeAll
    static void start() throws Exception {
        node = Distribution.copy("dist-secure");
        node.startWithGeneratedPassword();
        node.awaitHealthy(Duration.ofSeconds(180));
        Path shown = node.home().resolve("data/hwp/initial-admin-password");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(shown) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        password = Files.readString(shown).trim();
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.stop();
        }
    }

    @Test
    void theFirstStartPasswordWorksAndTheOldDefaultDoesNot() throws Exception {
        Path shown = node.home().resolve("data/hwp/initial-admin-password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shown)))
                .as("the password file is its owner's only")
                .isEqualTo("rw-------");
        assertThat(password).hasSizeGreaterThanOrEqualTo(20);
        assertThat(Files.readString(node.home().resolve("karaf-console.out")))
                .as("shown on the console of the start")
                .contains(password);

        assertThat(get(node.api().resolve("nodes"), "karaf", password).statusCode())
                .isEqualTo(200);
        assertThat(get(node.api().resolve("nodes"), "karaf", "karaf").statusCode())
                .isEqualTo(401);
        assertThat(get(node.api().resolve("nodes"), "karaf", "").statusCode()).isEqualTo(401);

        Path users = node.home().resolve("etc/users.properties");
        String stored = Files.readString(users);
        assertThat(stored).as("stored hashed").doesNotContain(password).contains("karaf = {CRYPT}");
        assertThat(stored).doesNotContain("set-on-first-start");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users)))
                .isEqualTo("rw-------");
    }

    @Test
    void sshAndPlainHttpListenOnLoopbackOnly() throws Exception {
        int ssh = Integer.parseInt(property(node.home().resolve("etc/org.apache.karaf.shell.cfg"), "sshPort"));
        assertThat(connects(InetAddress.getLoopbackAddress(), ssh))
                .as("SSH on loopback")
                .isTrue();
        assertThat(connects(InetAddress.getLoopbackAddress(), node.port()))
                .as("HTTP on loopback")
                .isTrue();
        Optional<InetAddress> outside = nonLoopbackAddress();
        assumeTrue(outside.isPresent(), "this machine has no address but loopback");
        assertThat(connects(outside.get(), ssh)).as("SSH on " + outside.get()).isFalse();
        assertThat(connects(outside.get(), node.port()))
                .as("plain HTTP on " + outside.get())
                .isFalse();
        assertThat(connects(outside.get(), node.httpsPort()))
                .as("HTTPS on " + outside.get())
                .isTrue();
        assertThat(property(node.home().resolve("etc/org.apache.karaf.shell.cfg"), "sftpEnabled"))
                .isEqualTo("false");
    }

    @Test
    void httpsIsServedWithTheCertificateMadeOnFirstStart() throws Exception {
        Path pem = node.home().resolve("etc/hwp-https.pem");
        Path keystore = node.home().resolve("etc/hwp-https.p12");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keystore)))
                .as("the private key is its owner's only")
                .isEqualTo("rw-------");
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(pem)) {
            certificate =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        List<String> names = certificate.getSubjectAlternativeNames().stream()
                .map(n -> String.valueOf(n.get(1)))
                .toList();
        assertThat(names).contains("localhost", "127.0.0.1");

        HttpClient trusting = HttpClient.newBuilder()
                .sslContext(trusting(certificate))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        URI https = URI.create("https://localhost:" + node.httpsPort() + "/hwp/api/v1/");
        HttpResponse<String> health = trusting.send(
                HttpRequest.newBuilder(https.resolve("health")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(health.statusCode()).isEqualTo(200);
        SSLSession session = health.sslSession().orElseThrow();
        assertThat(session.getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(session.getPeerCertificates()[0]).isEqualTo(certificate);
        HttpResponse<String> nodes = trusting.send(
                HttpRequest.newBuilder(https.resolve("nodes"))
                        .header("Authorization", basic("karaf", password))
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(nodes.statusCode()).isEqualTo(200);
        assertThat(nodes.headers().firstValue("Server")).as("no server version").isEmpty();

        HttpClient defaultTrust =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> defaultTrust.send(
                        HttpRequest.newBuilder(https.resolve("health")).build(), HttpResponse.BodyHandlers.ofString()))
                .as("a self-signed certificate is not trusted unless the client is told to")
                .isInstanceOf(SSLHandshakeException.class);
    }

    private static HttpResponse<String> get(URI uri, String user, String password) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(uri)
                                .header("Authorization", basic(user, password))
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A TLS context that trusts this one certificate (the distribution's, made on first start). */
    static SSLContext trusting(X509Certificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("hwp", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static boolean connects(InetAddress address, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 3_000);
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }

    /** An IPv4 address of this machine that is not loopback, if it has one. */
    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!n.isUp() || n.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(n.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    private static String property(Path file, String key) throws IOException {
        java.util.Properties p = new java.util.Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p.getProperty(key, "").trim();
    }
}
