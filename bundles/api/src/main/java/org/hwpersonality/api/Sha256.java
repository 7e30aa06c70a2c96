package org.hwpersonality.api;

import java.util.HexFormat;
import org.hwpersonality.api.internal.Checks;

/** A SHA-256 digest in lower-case hex: the name of every stored image and package. */
public record Sha256(String hex) {
    public Sha256 {
        Checks.lowerHex("", hex, 64, "must be 64 lower-case hexadecimal digits");
    }

    /** Parses a digest, accepting upper-case hex. */
    public static Sha256 of(String hex) {
        Checks.notNull("", hex);
        return new Sha256(hex.toLowerCase(java.util.Locale.ROOT));
    }

    public static Sha256 of(byte[] digest) {
        if (digest == null || digest.length != 32) {
            throw new ValidationException("", "must be 32 bytes");
        }
        return new Sha256(HexFormat.of().formatHex(digest));
    }

    public byte[] bytes() {
        return HexFormat.of().parseHex(hex);
    }

    @Override
    public String toString() {
        return hex;
    }
}
