package org.hwpersonality.api;

import java.util.Objects;

/** A failure the caller can act on: it carries one {@link ErrorCode} and a message for humans. */
public class HwpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public HwpException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public HwpException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    /** Shorthand for a {@link ErrorCode#NOT_FOUND} failure about one object. */
    public static HwpException notFound(String what, String id) {
        return new HwpException(ErrorCode.NOT_FOUND, what + " '" + id + "' does not exist");
    }

    /** Shorthand for a {@link ErrorCode#CONFLICT} failure. */
    public static HwpException conflict(String message) {
        return new HwpException(ErrorCode.CONFLICT, message);
    }
}
