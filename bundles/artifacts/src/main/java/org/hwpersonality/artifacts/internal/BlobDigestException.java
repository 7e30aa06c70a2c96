package org.hwpersonality.artifacts.internal;

import org.hwpersonality.api.Sha256;

/**
 * A copy of a blob whose bytes are not the blob's: their SHA-256 differs from the name. The copy was refused and
 * nothing was stored; the source's copy is damaged or was changed, and must be stored again from the original.
 */
public final class BlobDigestException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public BlobDigestException(Sha256 expected, Sha256 actual, String source) {
        super("blob " + expected.hex() + " from " + source + " is refused: its content has the SHA-256 " + actual.hex()
                + " (damaged or changed in " + source + "; store the original again)");
    }
}
