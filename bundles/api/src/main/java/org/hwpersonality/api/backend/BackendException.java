package org.hwpersonality.api.backend;

import java.util.Objects;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;

/** A back end's failure, with a {@link Kind} that tells the management service what happened to the region. */
public class BackendException extends HwpException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The device does not exist (any more). */
        UNKNOWN_DEVICE,
        /** The image was built for another shell or device; the region is unchanged. */
        INCOMPATIBLE,
        /** The image is unreadable or truncated; the region is unchanged. */
        CORRUPT_IMAGE,
        /** The tool did not finish in time; the region's content is unknown until reconciled. */
        TIMEOUT,
        /** The device or tool reported an error. */
        DEVICE_ERROR
    }

    private final Kind kind;

    public BackendException(Kind kind, String message) {
        super(
                kind == Kind.UNKNOWN_DEVICE
                        ? ErrorCode.NOT_FOUND
                        : kind == Kind.INCOMPATIBLE || kind == Kind.CORRUPT_IMAGE
                                ? ErrorCode.INVALID_REQUEST
                                : ErrorCode.CONFLICT,
                message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public BackendException(Kind kind, String message, Throwable cause) {
        this(kind, message);
        initCause(cause);
    }

    public Kind kind() {
        return kind;
    }
}
