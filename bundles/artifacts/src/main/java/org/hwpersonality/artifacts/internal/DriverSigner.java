package org.hwpersonality.artifacts.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.hwpersonality.api.Sha256;

/**
 * The driver repository's Ed25519 key pair and its signatures. The key pair is created on first use in a
 * folder of its own, the private key readable by its owner only. What is signed for a package is
 * {@link #payload}: its ID, the SHA-256 of its archive and the SHA-256 of its manifest file, so a guest that
 * holds the public key can check a downloaded package without trusting the transport.
 */
public final class DriverSigner {
    static final String ALGORITHM = "Ed25519";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private DriverSigner(KeyPair keys) {
        this.privateKey = keys.getPrivate();
        this.publicKey = keys.getPublic();
    }

    /** Loads the key pair from {@code folder}, creating it (owner-only) on first use. */
    public static DriverSigner open(Path folder) {
        Path privateFile = folder.resolve("driver-signing-ed25519.key");
        Path publicFile = folder.resolve("driver-signing-ed25519.pub");
        try {
            if (!Files.exists(privateFile)) {
                Files.createDirectories(folder);
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
                KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
                write(publicFile, pair.getPublic().getEncoded(), "rw-r--r--");
                write(privateFile, pair.getPrivate().getEncoded(), "rw-------");
                return new DriverSigner(pair);
            }
            KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
            PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(privateFile)));
            PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(publicFile)));
            return new DriverSigner(new KeyPair(publicKey, privateKey));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the signing key in " + folder, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the signing key in " + folder + " is unusable", e);
        }
    }

    /** Writes with the final permissions from the start, then renames into place. */
    private static void write(Path file, byte[] bytes, String permissions) throws IOException {
        Path temp = Files.createTempFile(
                file.getParent(),
                ".key-",
                ".part",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        Files.write(temp, bytes);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The bytes signed for a package. */
    public static byte[] payload(String packageId, Sha256 archive, Sha256 manifest) {
        return ("hwp-driver-package-v1\n" + packageId + "\n" + archive.hex() + "\n" + manifest.hex() + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The signature of {@code payload}, base64. */
    public String sign(byte[] payload) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(privateKey);
            s.update(payload);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign", e);
        }
    }

    /** The public key, X.509 (SubjectPublicKeyInfo) encoded. */
    public byte[] publicKey() {
        return publicKey.getEncoded();
    }

    /** Whether {@code signature} (base64) is this payload's signature by the key {@code publicKey} (X.509). */
    public static boolean verify(byte[] publicKey, byte[] payload, String signature) {
        try {
            PublicKey key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(publicKey));
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(payload);
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
