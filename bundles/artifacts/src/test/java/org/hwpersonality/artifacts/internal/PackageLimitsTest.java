package org.hwpersonality.artifacts.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import org.hwpersonality.artifacts.archive.DriverArchive;
import org.junit.jupiter.api.Test;

/** The unpacked-size limit follows the upload limit: never more than the largest package times the ratio. */
class PackageLimitsTest {
    private static final long MB = 1L << 20;

    @Test
    void theContentLimitFollowsTheUploadLimit() {
        DriverArchive.Limits small = ArtifactStorage.packageLimits(config(10, 4096, 100));
        assertThat(small.maxTotalBytes()).isEqualTo(1000 * MB);
        assertThat(small.maxEntryBytes()).isEqualTo(1000 * MB);
        assertThat(small.maxCompressionRatio()).isEqualTo(100);

        DriverArchive.Limits defaults = ArtifactStorage.packageLimits(config(1024, 4096, 100));
        assertThat(defaults.maxTotalBytes())
                .as("the configured content limit caps it")
                .isEqualTo(4096 * MB);

        assertThat(ArtifactStorage.packageLimits(config(10, 4096, 5)).maxTotalBytes())
                .isEqualTo(50 * MB);
    }

    private static ArtifactStorage.Config config(long packageMb, long contentMb, int ratio) {
        return new ArtifactStorage.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ArtifactStorage.Config.class;
            }

            @Override
            public String blobFolder() {
                return "";
            }

            @Override
            public String keyFolder() {
                return "";
            }

            @Override
            public long maxBitstreamMb() {
                return 4096;
            }

            @Override
            public long maxPackageMb() {
                return packageMb;
            }

            @Override
            public int maxPackageEntries() {
                return 10_000;
            }

            @Override
            public long maxPackageContentMb() {
                return contentMb;
            }

            @Override
            public int maxPackageCompressionRatio() {
                return ratio;
            }

            @Override
            public long gcIntervalMinutes() {
                return 1440;
            }
        };
    }
}
