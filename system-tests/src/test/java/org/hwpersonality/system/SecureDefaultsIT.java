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
        Path shown = node.home().resolve("data/hwp/initial-admin-password");
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (!Files.exists(shown) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        password = Files.readString(shown).trim();
        node.awaitHealthy(Duration.ofSeconds(180));
        // What a first start has at its first healthy answer: read at once, before anything could arrive later.
        atFirstHealthy = new String[] {
            get(node.api().resolve("devices"), "karaf", password).body(),
            get(node.api().resolve("drivers"), "karaf", password).body(),
            get(node.api().resolve("health"), "karaf", password).body()
        };
    }

    private static String[] atFirstHealthy;

    /**
     * Issue 24, readiness: the first start answers /health with 200 only once the sample catalogue (profiles, images,
     * drivers) is in and every back end has reported its devices: the shipped simulated fleets' 11 cards are all
     * there at the first healthy answer and none arrives after it.
     */
    @Test
    void theFirstHealthyAnswerComesWithTheSamplesAndEveryCard() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode devices = json.readTree(atFirstHealthy[0]);
        assertThat(devices.size()).as(atFirstHealthy[0]).isEqualTo(11);
        assertThat(json.readTree(atFirstHealthy[1]).size())
                .as("sample driver packages")
                .isPositive();
        com.fasterxml.jackson.databind.JsonNode health = json.readTree(atFirstHealthy[2]);
        assertThat(health.path("status").asText()).as(atFirstHealthy[2]).isEqualTo("UP");
        assertThat(health.path("parts").path("backends").get(0).path("status").asText())
                .isEqualTo("UP");
        assertThat(health.path("parts").path("nodes").path("status").asText()).isEqualTo("UP");
        Thread.sleep(2_000);
        assertThat(json.readTree(get(node.api().resolve("devices"), "karaf", password)
                                .body())
                        .size())
                .as("no card arrives after the first healthy answer")
                .isEqualTo(11);
        HttpResponse<String> live = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(node.api().resolve("health/live"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
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

    /**
     * Password and token guessing, from addresses of their own on loopback (127.0.0.2, 127.0.0.3) so that the other
     * tests' client (127.0.0.1) is a separate source: with the shipped limits, 5 failures are free, the 6th makes
     * the source wait 1 s, and meanwhile every request of it with credentials, even right ones, is answered 429 with
     * {@code Retry-After} in the JSON error form. Another source is not held up; after the wait the right password
     * works again. Bearer tokens, and the web console's own login, alike.
     */
    @Test
    void guessingIsThrottledPerSourceWith429AndRetryAfter() throws Exception {
        String wrong = basic("karaf", "wrong-password");
        for (int i = 1; i <= 6; i++) {
            RawAnswer r = RawAnswer.get("127.0.0.2", node.port(), "/hwp/api/v1/nodes", wrong);
            assertThat(r.status()).as("failure " + i).isEqualTo(401);
        }
        RawAnswer throttled = RawAnswer.get("127.0.0.2", node.port(), "/hwp/api/v1/nodes", wrong);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("retry-after")).isEqualTo("1");
        assertThat(throttled.body()).contains("\"error\":\"TOO_MANY_REQUESTS\"").contains("try again in 1 s");
        RawAnswer rightButThrottled =
                RawAnswer.get("127.0.0.2", node.port(), "/hwp/api/v1/nodes", basic("karaf", password));
        assertThat(rightButThrottled.status())
                .as("while its source waits, even the right password is not checked")
                .isEqualTo(429);
        assertThat(get(node.api().resolve("nodes"), "karaf", password).statusCode())
                .as("another source (127.0.0.1) is not held up")
                .isEqualTo(200);
        assertThat(RawAnswer.get("127.0.0.2", node.port(), "/hwp/api/v1/health", null)
                        .status())
                .as("a request without credentials is not throttled")
                .isEqualTo(200);

        Thread.sleep(1_100);
        assertThat(RawAnswer.get("127.0.0.2", node.port(), "/hwp/api/v1/nodes", basic("karaf", password))
                        .status())
                .as("after the wait, the administrator's right password works")
                .isEqualTo(200);
        RawAnswer again = RawAnswer.get("127.0.0.2", node.port(), "/hwp/api/v1/nodes", wrong);
        assertThat(again.status()).isEqualTo(401);
        assertThat(RawAnswer.get("127.0.0.2", node.port(), "/hwp/api/v1/nodes", wrong)
                        .header("retry-after"))
                .as("the next failure waits twice as long")
                .isEqualTo("2");

        String token = "Bearer hwp_guessed-token-0000000000000000000000000000";
        for (int i = 1; i <= 6; i++) {
            assertThat(RawAnswer.get("127.0.0.3", node.port(), "/hwp/api/v1/allocations", token)
                            .status())
                    .as("token failure " + i)
                    .isEqualTo(401);
        }
        RawAnswer tokenThrottled = RawAnswer.get("127.0.0.3", node.port(), "/hwp/api/v1/allocations", token);
        assertThat(tokenThrottled.status()).as("bearer tokens alike").isEqualTo(429);
        assertThat(tokenThrottled.header("retry-after")).isEqualTo("1");

        for (int i = 1; i <= 6; i++) {
            assertThat(RawAnswer.get("127.0.0.4", node.port(), "/system/console/bundles", wrong)
                            .status())
                    .as("web console failure " + i)
                    .isEqualTo(401);
        }
        RawAnswer consoleThrottled = RawAnswer.get("127.0.0.4", node.port(), "/system/console/bundles", wrong);
        assertThat(consoleThrottled.status()).as("the web console alike").isEqualTo(429);
        assertThat(consoleThrottled.header("retry-after")).isEqualTo("1");
    }

    /** One HTTP/1.1 exchange on a socket bound to a chosen loopback address, so the server sees that source. */
    private record RawAnswer(int status, java.util.Map<String, String> headers, String body) {
        static RawAnswer get(String from, int port, String path, String authorization) throws IOException {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
                s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5_000);
                s.setSoTimeout(30_000);
                String request = "GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n"
                        + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                        + "Connection: close\r\n\r\n";
                s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int end = answer.indexOf("\r\n\r\n");
                String[] lines = answer.substring(0, end).split("\r\n");
                java.util.Map<String, String> headers = new java.util.HashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.put(
                            lines[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
                return new RawAnswer(Integer.parseInt(lines[0].split(" ")[1]), headers, answer.substring(end + 4));
            }
        }

        String header(String name) {
            return headers.get(name);
        }
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
