package org.hwpersonality.api;

import java.util.Objects;

/**
 * A value was rejected: {@link #field()} names it, relative to the object that refused it, and {@link #reason()}
 * says why. The message is {@code field: reason}. Enclosing objects prefix the path with {@link #within}, giving
 * e.g. {@code profiles[1].workloads[0].performance.latencyUs}. Single values parsed from text (a digest, a kernel
 * version) do not know what their owner calls them: they leave the field empty and the owner names it.
 */
public class ValidationException extends HwpException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    public ValidationException(String field, String reason) {
        super(ErrorCode.INVALID_REQUEST, field == null || field.isEmpty() ? reason : field + ": " + reason);
        this.field = Objects.requireNonNull(field, "field");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }

    /** The same rejection seen from an enclosing object: {@code parent.field}, {@code parent[i]...}, or {@code parent}. */
    public ValidationException within(String parent) {
        // "$" is a JSON document's root: within a parent field it is that field.
        String field = this.field.equals("$") ? "" : this.field.startsWith("$.") ? this.field.substring(2) : this.field;
        String path = field.isEmpty() || parent.isEmpty()
                ? parent + field
                : field.startsWith("[") ? parent + field : parent + "." + field;
        ValidationException wrapped = new ValidationException(path, reason);
        wrapped.setStackTrace(getStackTrace());
        return wrapped;
    }
}
