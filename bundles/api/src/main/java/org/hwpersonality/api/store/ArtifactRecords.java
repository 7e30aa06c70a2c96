package org.hwpersonality.api.store;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.artifact.Bitstream;
import org.hwpersonality.api.artifact.DriverPackage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The database records of stored artifacts: bitstream and driver-package metadata, whose bytes live in the
 * content-addressed blob store under their SHA-256.
 */
@ProviderType
public interface ArtifactRecords {
    /** Records a bitstream; if one with the same SHA-256 exists, returns that one unchanged. */
    Bitstream saveBitstream(Bitstream bitstream);

    Optional<Bitstream> bitstream(Sha256 sha256);

    /**
     * Records the installation's signature (base64) of a stored image, unless it has one: an image is signed once.
     * NOT_FOUND for an unknown image.
     */
    void signBitstream(Sha256 sha256, String signature);

    /** The installation's signature of a stored image, if it was signed. */
    Optional<String> bitstreamSignature(Sha256 sha256);

    List<Bitstream> bitstreams();

    /**
     * Records a driver package; if one with the same ID and the same archive exists, returns that one, and if
     * one with the same ID but another archive exists, fails with CONFLICT.
     */
    DriverPackage saveDriverPackage(DriverPackage driverPackage);

    Optional<DriverPackage> driverPackage(String packageId);

    List<DriverPackage> driverPackages();

    /** Deletes a package's record; CONFLICT while an allocation that holds a region uses it, NOT_FOUND if unknown. */
    void deleteDriverPackage(String packageId);

    /** Every blob a record refers to: bitstreams and driver-package archives. */
    Set<Sha256> referencedBlobs();
}
