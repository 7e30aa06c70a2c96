package org.hwpersonality.agent;

import java.time.Duration;
import java.util.Optional;

/** A failed call: the HTTP status (0 when the server could not be reached), the error code and message. */
final class ApiException extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;
    final String code;
    final transient Optional<Duration> retryAfter;
    private final boolean transientFailure;

    ApiException(int status, String code, String message, Optional<Duration> retryAfter) {
        this(status, code, message, retryAfter, status == 0 || status == 429 || status >= 500);
    }

    /** A failure the agent found in an accepted answer (status 2xx), worth trying again or not. */
    ApiException(int status, String code, String message, boolean transientFailure) {
        this(status, code, message, Optional.empty(), transientFailure);
    }

    private ApiException(
            int status, String code, String message, Optional<Duration> retryAfter, boolean transientFailure) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
        this.transientFailure = transientFailure;
    }

    /**
     * Worth trying again later: the server was unreachable, busy (503, 429) or failed (5xx), or an accepted request
     * ended badly (its programming failed).
     */
    boolean transientFailure() {
        return transientFailure;
    }

    @Override
    public String toString() {
        return (status == 0 ? "unreachable" : "HTTP " + status + " " + code) + ": " + getMessage();
    }
}
