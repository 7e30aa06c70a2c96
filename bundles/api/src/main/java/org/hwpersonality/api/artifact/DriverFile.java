package org.hwpersonality.api.artifact;

import java.util.regex.Pattern;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/** A file inside a driver package: its relative path, what it is, its size and digest. */
public record DriverFile(String path, Kind kind, long sizeBytes, Sha256 sha256) {
    /** What a file of a driver package is for. */
    public enum Kind {
        /** A kernel module or user-space driver library. */
        MODULE,
        /** A configuration file. */
        CONFIG,
        /** A script the load instructions run. */
        SCRIPT,
        /** Anything else (documentation, firmware…). */
        OTHER
    }

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._+-]{1,255}");

    public DriverFile {
        Checks.notNull("path", path);
        if (path.isEmpty() || path.length() > 1024 || path.startsWith("/") || path.endsWith("/")) {
            throw new ValidationException(
                    "path", "must be a relative path of at most 1024 characters (was '" + path + "')");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")
                    || segment.equals(".")
                    || !SEGMENT.matcher(segment).matches()) {
                throw new ValidationException("path", "has an unsafe segment '" + segment + "' in '" + path + "'");
            }
        }
        Checks.notNull("kind", kind);
        Checks.nonNegative("sizeBytes", sizeBytes);
        Checks.notNull("sha256", sha256);
    }
}
