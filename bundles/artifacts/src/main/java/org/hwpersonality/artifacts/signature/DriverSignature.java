package org.hwpersonality.artifacts.signature;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.hwpersonality.api.Sha256;

/**
 * A driver package's signature: Ed25519 over {@link #payload} (the package ID, the SHA-256 of its archive and the
 * SHA-256 of its manifest file), so a guest that holds the repository's public key can check a downloaded package
 * without trusting the transport.
 */
public final class DriverSignature {
    /** The signature algorithm. */
    public static final String ALGORITHM = "Ed25519";

    private DriverSignature() {}

    /** The bytes signed for a package. */
    public static byte[] payload(String packageId, Sha256 archive, Sha256 manifest) {
        return ("hwp-driver-package-v1\n" + packageId + "\n" + archive.hex() + "\n" + manifest.hex() + "\n")
                .getBytes(StandardCharsets.UTF_8);
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
