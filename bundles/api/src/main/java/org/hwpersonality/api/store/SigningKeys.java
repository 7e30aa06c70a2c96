package org.hwpersonality.api.store;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The installation's signing key pairs in the database, one per purpose (such as {@code driver-signing}), so that
 * every node signs with the same key and a guest needs one public key. The first node to store a key pair for a
 * purpose decides it; every other node, even one starting at the same moment, gets that one.
 */
@ProviderType
public interface SigningKeys {
    /** A key pair: the algorithm name and its standard encodings (X.509 public key, PKCS#8 private key). */
    record KeyPairRecord(String algorithm, byte[] publicKey, byte[] privateKey) {
        public KeyPairRecord {
            if (algorithm == null || algorithm.isBlank() || publicKey == null || privateKey == null) {
                throw new IllegalArgumentException("a key pair needs an algorithm and both keys");
            }
            publicKey = publicKey.clone();
            privateKey = privateKey.clone();
        }

        @Override
        public byte[] publicKey() {
            return publicKey.clone();
        }

        @Override
        public byte[] privateKey() {
            return privateKey.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof KeyPairRecord k
                    && algorithm.equals(k.algorithm)
                    && java.util.Arrays.equals(publicKey, k.publicKey)
                    && java.util.Arrays.equals(privateKey, k.privateKey);
        }

        @Override
        public int hashCode() {
            return algorithm.hashCode() * 31 + java.util.Arrays.hashCode(publicKey);
        }

        @Override
        public String toString() {
            return "KeyPairRecord[" + algorithm + ", private key hidden]";
        }
    }

    /** The stored key pair for {@code purpose}, if any. */
    Optional<KeyPairRecord> find(String purpose);

    /**
     * Stores {@code proposed} for {@code purpose} unless a key pair is already stored for it, and returns the one
     * stored: {@code proposed}, or the one another node stored first.
     */
    KeyPairRecord storeIfAbsent(String purpose, KeyPairRecord proposed);
}
