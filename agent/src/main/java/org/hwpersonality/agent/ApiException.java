package org.hwpersonality.agent;

import java.time.Duration;
import java.util.Optional;

/** A failed call: the HTTP status (0 when the server could not be reached), the error code and message. */
final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;
    final String code;
    final transient Optional<Duration> retryAfter;

    ApiException(int status, String code, String message, Optional<Duration> retryAfter) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** Worth trying again later: the server was unreachable, busy (503, 429) or failed (5xx). */
    boolean transientFailure() {
        return status == 0 || status == 429 || status >= 500;
    }

    @Override
    public String toString() {
        return (status == 0 ? "unreachable" : "HTTP " + status + " " + code) + ": " + getMessage();
    }
}
