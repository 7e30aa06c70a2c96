package org.hwpersonality.artifacts.internal;

import java.nio.file.Path;
import org.hwpersonality.api.Settings;
import org.hwpersonality.api.store.BlobRecords;
import org.hwpersonality.api.store.SigningKeys;
import org.hwpersonality.artifacts.archive.DriverArchive;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Where artifacts live and how large they may be, shared by the bitstream store and the driver repository: the
 * installation's blobs (in the database, with this node's blob folder as their cache) and its signing key.
 */
@Component(service = ArtifactStorage.class, configurationPid = ArtifactStorage.PID)
@Designate(ocd = ArtifactStorage.Config.class)
public class ArtifactStorage {
    static final String PID = "org.hwpersonality.artifacts";
    private static final long MB = 1L << 20;

    /** Storage folders and size limits. */
    @ObjectClassDefinition(
            name = "HWP Artifacts",
            description = "Bitstream and driver-package storage: folders and limits.")
    public @interface Config {
        @AttributeDefinition(
                name = "Blob folder",
                description = "This node's cache of the installation's blobs (the database holds them all);"
                        + " empty means ${karaf.data}/hwp/blobs.")
        String blobFolder() default "";

        @AttributeDefinition(
                name = "Key folder",
                description =
                        "Where a node kept its Ed25519 signing key pair before the installation's key lived in the"
                                + " database: adopted when the database has none; empty means ${karaf.data}/hwp/keys.")
        String keyFolder() default "";

        @AttributeDefinition(name = "Largest bitstream (MiB)")
        long maxBitstreamMb() default 4096;

        @AttributeDefinition(name = "Largest driver package (MiB)", description = "Size of the archive as uploaded.")
        long maxPackageMb() default 1024;

        @AttributeDefinition(name = "Most entries in a driver package")
        int maxPackageEntries() default 10_000;

        @AttributeDefinition(
                name = "Largest unpacked driver package (MiB)",
                description = "Sum of the files' sizes (and of a tar's headers). It never exceeds the largest package"
                        + " times the compression ratio below, so lowering the upload limit lowers this one too.")
        long maxPackageContentMb() default 4096;

        @AttributeDefinition(
                name = "Largest compression ratio",
                description = "Bytes a driver package may expand to per compressed byte (beyond the first MiB);"
                        + " more is refused as a compression bomb as soon as it is seen.")
        int maxPackageCompressionRatio() default DriverArchive.Limits.DEFAULT_COMPRESSION_RATIO;

        @AttributeDefinition(
                name = "Blob collection interval (minutes)",
                description = "How often blobs that no record refers to are deleted (an hour after they were written).")
        long gcIntervalMinutes() default 1440;
    }

    private final SharedBlobs blobs;
    private final DriverSigner signer;
    private final long maxBitstreamBytes;
    private final long maxPackageBytes;
    private final DriverArchive.Limits packageLimits;

    @Activate
    public ArtifactStorage(Config config, @Reference BlobRecords blobRecords, @Reference SigningKeys signingKeys) {
        this(
                folder(Settings.check(Config.class, config).blobFolder(), "blobs"),
                folder(config.keyFolder(), "keys"),
                config.maxBitstreamMb() * MB,
                config.maxPackageMb() * MB,
                packageLimits(config),
                blobRecords,
                signingKeys);
    }

    public ArtifactStorage(
            Path blobFolder,
            Path keyFolder,
            long maxBitstreamBytes,
            long maxPackageBytes,
            DriverArchive.Limits limits,
            BlobRecords blobRecords,
            SigningKeys signingKeys) {
        this.blobs = new SharedBlobs(new BlobStore(blobFolder), blobRecords);
        this.signer = DriverSigner.open(signingKeys, keyFolder);
        this.maxBitstreamBytes = maxBitstreamBytes;
        this.maxPackageBytes = maxPackageBytes;
        this.packageLimits = limits;
    }

    /** The archive limits: the content limit follows the upload limit (times the compression ratio). */
    static DriverArchive.Limits packageLimits(Config config) {
        int ratio = Math.max(1, config.maxPackageCompressionRatio());
        long content = Math.min(config.maxPackageContentMb() * MB, multiplyCapped(config.maxPackageMb() * MB, ratio));
        return new DriverArchive.Limits(config.maxPackageEntries(), content, content, ratio);
    }

    private static long multiplyCapped(long a, long b) {
        return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
    }

    private static Path folder(String configured, String name) {
        if (!configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("karaf.data", "data"), "hwp", name);
    }

    public SharedBlobs blobs() {
        return blobs;
    }

    public DriverSigner signer() {
        return signer;
    }

    public long maxBitstreamBytes() {
        return maxBitstreamBytes;
    }

    public long maxPackageBytes() {
        return maxPackageBytes;
    }

    public DriverArchive.Limits packageLimits() {
        return packageLimits;
    }
}
