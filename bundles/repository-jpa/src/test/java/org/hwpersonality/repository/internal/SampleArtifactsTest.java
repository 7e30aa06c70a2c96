package org.hwpersonality.repository.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.artifact.SimImage;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.junit.jupiter.api.Test;

class SampleArtifactsTest {
    private final List<PersonalityProfile> samples = SampleCatalogue.profiles(Instant.parse("2026-11-25T00:00:00Z"));

    @Test
    void everySampleProfileReferencesItsOwnImage() throws Exception {
        for (PersonalityProfile p : samples) {
            byte[] image = SampleArtifacts.image(p).bytes();
            Sha256 sha = Sha256.of(MessageDigest.getInstance("SHA-256").digest(image));
            assertThat(sha)
                    .as("fabric.bitstream of %s", p.personalityId())
                    .isEqualTo(p.fabric().bitstream());
            SimImage read = SimImage.read(new ByteArrayInputStream(image));
            assertThat(read.family()).isEqualTo(p.compatibility().family());
            assertThat(read.regionKind()).isEqualTo(p.fabric().regionKind());
        }
    }

    @Test
    void everyDriverOfTheSamplesHasAPackageThatServesItsProfiles() throws Exception {
        Map<String, byte[]> packages = SampleArtifacts.driverPackages(samples);
        for (PersonalityProfile p : samples) {
            p.osSupport()
                    .forEach(s -> assertThat(packages)
                            .containsKey(
                                    s.driverName() + "-" + SampleArtifacts.VERSION + "-" + s.family() + "-x86_64"));
        }
        byte[] zstd = packages.get("xrt-zstd-1.0.0-linux-x86_64");
        assertThat(SampleArtifacts.driverPackages(samples).get("xrt-zstd-1.0.0-linux-x86_64"))
                .as("deterministic")
                .isEqualTo(zstd);
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(zstd))) {
            ZipEntry first = zip.getNextEntry();
            assertThat(first.getName()).isEqualTo("hwp-driver.json");
            assertThat(new String(zip.readAllBytes()))
                    .contains("\"serves\":[\"zstd-u250-v1\"]")
                    .contains("\"kernels\":\"[4.18,6.9)\"");
        }
    }
}
