package org.hwpersonality.api.service;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.artifact.Bitstream;
import org.hwpersonality.api.artifact.ImageFormat;
import org.osgi.annotation.versioning.ProviderType;

/** The store of programming images, named by SHA-256; identical content is stored once. */
@ProviderType
public interface BitstreamStore {
    Bitstream add(InputStream image, String name, String vendor, ImageFormat format);

    Optional<Bitstream> find(Sha256 sha256);

    List<Bitstream> list();

    /** The file holding the image, for a back end to program from. */
    Path path(Sha256 sha256);

    /**
     * The file holding the image, checked right before a back end loads it: its bytes hash to {@code sha256} and the
     * installation's Ed25519 signature over that hash and the image's metadata verifies. CONFLICT, naming what did not
     * hold, when either fails (a changed byte, a record changed or not signed by this installation).
     */
    Path verifiedPath(Sha256 sha256);
}
