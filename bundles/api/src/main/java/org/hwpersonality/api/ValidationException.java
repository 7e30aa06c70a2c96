package org.hwpersonality.api;

import java.util.Objects;

/**
 * A value was rejected: {@link #field()} names it (a path such as {@code workloads[1].latencyUs} once
 * prefixed by the enclosing objects) and {@link #reason()} says why. The message is {@code field: reason}.
 */
public class ValidationException extends HwpException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    public ValidationException(String field, String reason) {
        super(ErrorCode.INVALID_REQUEST, field + ": " + reason);
        this.field = Objects.requireNonNull(field, "field");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }

    /** The same rejection seen from an enclosing object: {@code parent.field} (or {@code parent[i].field}). */
    public ValidationException within(String parent) {
        String path = field.startsWith("[") ? parent + field : parent + "." + field;
        ValidationException wrapped = new ValidationException(path, reason);
        wrapped.setStackTrace(getStackTrace());
        return wrapped;
    }
}
