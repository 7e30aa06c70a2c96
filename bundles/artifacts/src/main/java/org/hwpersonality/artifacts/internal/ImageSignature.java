package org.hwpersonality.artifacts.internal;

import java.nio.charset.StandardCharsets;
import org.hwpersonality.api.artifact.Bitstream;

/**
 * What the installation signs for a programming image: its SHA-256 and the metadata a back end relies on (name,
 * vendor, format, size, interface ID), so that neither the bytes nor the record can be changed unnoticed. Signed with
 * the installation's Ed25519 key ({@link DriverSigner}), the one that signs driver packages.
 */
final class ImageSignature {
    private ImageSignature() {}

    static byte[] payload(Bitstream b) {
        return ("hwp-image-v1\n" + b.sha256().hex() + "\n" + b.name() + "\n" + b.vendor() + "\n" + b.format() + "\n"
                        + b.sizeBytes() + "\n" + b.interfaceId().orElse("") + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
