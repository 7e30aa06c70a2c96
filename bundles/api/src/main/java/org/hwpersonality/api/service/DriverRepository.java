package org.hwpersonality.api.service;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.artifact.DriverPackage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The Driver Repository (step 5): signed, content-addressed driver packages, resolved for a Personality ID
 * and a guest OS.
 */
@ProviderType
public interface DriverRepository {
    /** Validates and stores a package (zip or tar.gz with its manifest); nothing is stored if it is refused. */
    DriverPackage add(InputStream archive, String fileName);

    /**
     * The package for the personality and the guest: of those that serve it and support the guest's OS and kernel,
     * the closest fit ({@link org.hwpersonality.api.artifact.DriverPackage#affinity}), then the highest version.
     */
    Optional<DriverPackage> resolve(String personalityId, OsInfo os);

    Optional<DriverPackage> find(String packageId);

    List<DriverPackage> list();

    /** Removes a package; CONFLICT while an active allocation needs it. */
    void remove(String packageId);

    /** The package's bytes. */
    InputStream open(String packageId);

    /** The repository's Ed25519 public key (X.509 encoding) that verifies package signatures. */
    byte[] publicKey();
}
