package org.hwpersonality.artifacts.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.store.SigningKeys;
import org.hwpersonality.artifacts.signature.DriverSignature;

/**
 * The installation's Ed25519 driver-signing key pair and its signatures. The key pair is kept in the database
 * ({@link SigningKeys}, purpose {@value #PURPOSE}), so every node signs with the same key and a guest needs one public
 * key. The first node to start stores it: the key pair a node kept in its key folder before the database held one
 * (so signatures made before stay valid), or a new one. What is signed for a package is {@link #payload}: its ID,
 * the SHA-256 of its archive and the SHA-256 of its manifest file, so a guest that holds the public key can check a
 * downloaded package without trusting the transport.
 */
public final class DriverSigner {
    static final String ALGORITHM = DriverSignature.ALGORITHM;
    static final String PURPOSE = "driver-signing";
    static final String PRIVATE_FILE = "driver-signing-ed25519.key";
    static final String PUBLIC_FILE = "driver-signing-ed25519.pub";
    private static final Logger LOG = Logger.getLogger(DriverSigner.class.getName());

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private DriverSigner(KeyPair keys) {
        this.privateKey = keys.getPrivate();
        this.publicKey = keys.getPublic();
    }

    /**
     * The installation's key pair from {@code keys}; if there is none yet, stores this node's former key pair from
     * {@code localFolder} when it has one, else a new one (another node starting at the same moment may win: its
     * key pair is then the one used).
     */
    public static DriverSigner open(SigningKeys keys, Path localFolder) {
        Optional<KeyPair> local = readLocal(localFolder);
        SigningKeys.KeyPairRecord stored = keys.find(PURPOSE).orElseGet(() -> {
            KeyPair proposed = local.orElseGet(DriverSigner::generate);
            return keys.storeIfAbsent(
                    PURPOSE,
                    new SigningKeys.KeyPairRecord(
                            ALGORITHM,
                            proposed.getPublic().getEncoded(),
                            proposed.getPrivate().getEncoded()));
        });
        KeyPair pair = decode(stored);
        if (local.isPresent()
                && !Arrays.equals(
                        local.get().getPublic().getEncoded(), pair.getPublic().getEncoded())) {
            LOG.warning("The driver-signing key in " + localFolder + " is not the installation's (another node's key"
                    + " was stored first); packages signed with it before do not verify with the installation's key"
                    + " and must be added again");
        }
        return new DriverSigner(pair);
    }

    /** A signer with a new key pair of its own, in memory, outside any installation: for tests and tools. */
    public static DriverSigner withNewKey() {
        return new DriverSigner(generate());
    }

    /** The key pair a node kept in {@code folder} before keys lived in the database, if there is one. */
    static Optional<KeyPair> readLocal(Path folder) {
        Path privateFile = folder.resolve(PRIVATE_FILE);
        Path publicFile = folder.resolve(PUBLIC_FILE);
        if (!Files.exists(privateFile)) {
            return Optional.empty();
        }
        try {
            KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
            PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(privateFile)));
            PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(publicFile)));
            return Optional.of(new KeyPair(publicKey, privateKey));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the signing key in " + folder, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the signing key in " + folder + " is unusable", e);
        }
    }

    private static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        }
    }

    private static KeyPair decode(SigningKeys.KeyPairRecord stored) {
        try {
            KeyFactory factory = KeyFactory.getInstance(stored.algorithm());
            return new KeyPair(
                    factory.generatePublic(new X509EncodedKeySpec(stored.publicKey())),
                    factory.generatePrivate(new PKCS8EncodedKeySpec(stored.privateKey())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the installation's signing key in the database is unusable", e);
        }
    }

    /** The bytes signed for a package ({@link DriverSignature#payload}). */
    public static byte[] payload(String packageId, Sha256 archive, Sha256 manifest) {
        return DriverSignature.payload(packageId, archive, manifest);
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
        return DriverSignature.verify(publicKey, payload, signature);
    }
}
