package org.hwpersonality.artifacts.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.repository.internal.SqlSigningKeys;
import org.hwpersonality.repository.internal.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriverSignerTest {
    @TempDir
    Path folder;

    private TestDatabase db;

    @BeforeEach
    void open() {
        db = TestDatabase.derby();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void theKeyPairIsMadeOnceAndKeptInTheDatabaseNotInTheKeyFolder() {
        DriverSigner first = DriverSigner.open(new SqlSigningKeys(db.database), folder.resolve("keys"));
        assertThat(folder.resolve("keys")).doesNotExist();
        DriverSigner again = DriverSigner.open(new SqlSigningKeys(db.database), folder.resolve("keys"));
        assertThat(again.publicKey()).isEqualTo(first.publicKey());
    }

    @Test
    void signatureVerifiesAndFailsForAChangedByte() {
        DriverSigner signer = DriverSigner.open(new SqlSigningKeys(db.database), folder.resolve("keys"));
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
        try (TestDatabase otherInstallation = TestDatabase.derby()) {
            DriverSigner other = DriverSigner.open(new SqlSigningKeys(otherInstallation.database), folder.resolve("o"));
            assertThat(DriverSigner.verify(other.publicKey(), payload, signature))
                    .as("another installation's key")
                    .isFalse();
        }
        assertThat(DriverSigner.verify(signer.publicKey(), payload, "not base64!"))
                .isFalse();
    }
}
