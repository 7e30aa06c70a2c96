package org.hwpersonality.agent;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Whom the agent trusts over HTTPS: by default the JVM's CA certificates; with {@code --ca-file} exactly the
 * certificates in that PEM file (a CA, or the server's own self-signed certificate; host names are checked); with
 * {@code --pin-sha256} only a server whose certificate's public key (SubjectPublicKeyInfo, DER) has that SHA-256, as
 * curl's {@code --pinnedpubkey sha256//...} and HPKP pins do. Both together: the chain must lead to the CA and the key
 * must match the pin. A pin alone replaces CA and host-name checks: the key is the server's identity.
 */
final class ServerTrust {
    private ServerTrust() {}

    /** The TLS context for these options, or empty for the JVM's defaults. */
    static Optional<SSLContext> context(Optional<Path> caFile, Optional<String> pinSha256) {
        if (caFile.isEmpty() && pinSha256.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<X509ExtendedTrustManager> ca =
                    caFile.isPresent() ? Optional.of(trusting(certificates(caFile.get()))) : Optional.empty();
            X509TrustManager manager =
                    pinSha256.isPresent() ? new PinnedKey(pin(pinSha256.get()), ca) : ca.orElseThrow();
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {manager}, null);
            return Optional.of(tls);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The certificates of a PEM file; at least one. */
    static List<X509Certificate> certificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> certs = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("--ca-file " + pem + " holds no certificate");
            }
            return certs;
        } catch (IOException e) {
            throw new IllegalArgumentException("--ca-file " + pem + " cannot be read: " + e.getMessage());
        } catch (CertificateException e) {
            throw new IllegalArgumentException("--ca-file " + pem + " is not a PEM certificate: " + e.getMessage());
        }
    }

    /** A pin: 32 bytes as base64 (43 or 44 characters, an optional "sha256//" prefix) or as 64 hex digits. */
    static byte[] pin(String text) {
        String t = text.trim();
        if (t.startsWith("sha256//")) {
            t = t.substring("sha256//".length());
        }
        byte[] pin = null;
        if (t.matches("[0-9a-fA-F]{64}")) {
            pin = HexFormat.of().parseHex(t);
        } else if (t.matches("[A-Za-z0-9+/]{43}=?")) {
            pin = Base64.getDecoder().decode(t.endsWith("=") ? t : t + "=");
        }
        if (pin == null || pin.length != 32) {
            throw new IllegalArgumentException(
                    "--pin-sha256 must be the SHA-256 of the server certificate's public key,"
                            + " as base64 (44 characters) or 64 hex digits (was '" + text + "')");
        }
        return pin;
    }

    /** The SHA-256 of a certificate's public key (SubjectPublicKeyInfo, DER), what {@code --pin-sha256} names. */
    static byte[] keyPin(X509Certificate certificate) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(certificate.getPublicKey().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509ExtendedTrustManager trusting(List<X509Certificate> anchors) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < anchors.size(); i++) {
            store.setCertificateEntry("ca-" + i, anchors.get(i));
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        for (TrustManager m : f.getTrustManagers()) {
            if (m instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("no X.509 trust manager");
    }

    /** Accepts a server whose leaf certificate carries the pinned key (and, given a CA, whose chain it accepts). */
    private static final class PinnedKey extends X509ExtendedTrustManager {
        private final byte[] pin;
        private final Optional<X509ExtendedTrustManager> ca;

        PinnedKey(byte[] pin, Optional<X509ExtendedTrustManager> ca) {
            this.pin = pin;
            this.ca = ca;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
            byte[] key = keyPin(chain[0]);
            if (!MessageDigest.isEqual(key, pin)) {
                throw new CertificateException("the server's public key does not match --pin-sha256 (it has "
                        + Base64.getEncoder().encodeToString(key) + ")");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            if (ca.isPresent()) {
                ca.get().checkServerTrusted(chain, authType, engine);
            }
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            if (ca.isPresent()) {
                ca.get().checkServerTrusted(chain, authType, socket);
            }
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (ca.isPresent()) {
                ca.get().checkServerTrusted(chain, authType);
            }
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("the agent accepts no clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("the agent accepts no clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("the agent accepts no clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return ca.map(X509TrustManager::getAcceptedIssuers).orElse(new X509Certificate[0]);
        }
    }
}
