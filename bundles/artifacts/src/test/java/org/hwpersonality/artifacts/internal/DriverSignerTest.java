package org.hwpersonality.artifacts.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.hwpersonality.api.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverSignerTest {
    @TempDir
    Path folder;

    @Test
    void keyPairIsCreatedOnceWithOwnerOnlyPrivateKey() throws IOException {
        Path keys = folder.resolve("keys");
        DriverSigner first = DriverSigner.open(keys);
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(keys.resolve("driver-signing-ed25519.key"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys)))
                .isEqualTo("rwx------");
        DriverSigner again = DriverSigner.open(keys);
        assertThat(again.publicKey()).isEqualTo(first.publicKey());
    }

    @Test
    void signatureVerifiesAndFailsForAChangedByte() {
        DriverSigner signer = DriverSigner.open(folder.resolve("keys"));
        byte[] payload = DriverSigner.payload(
                "xrt-zstd-2.16.204-linux-x86_64", Sha256.of("a".repeat(64)), Sha256.of("b".repeat(64)));
        String signature = signer.sign(payload);
        assertThat(DriverSigner.verify(signer.publicKey(), payload, signature)).isTrue();
        for (int i = 0; i < payload.length; i += 7) {
            byte[] changed = payload.clone();
            changed[i] ^= 1;
            assertThat(DriverSigner.verify(signer.publicKey(), changed, signature))
                    .as("byte %d changed", i)
                    .isFalse();
        }
        DriverSigner other = DriverSigner.open(folder.resolve("other"));
        assertThat(DriverSigner.verify(other.publicKey(), payload, signature))
                .as("another key")
                .isFalse();
        assertThat(DriverSigner.verify(signer.publicKey(), payload, "not base64!"))
                .isFalse();
    }
}
