package org.hwpersonality.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts that building a value is refused with a {@link ValidationException} naming the field and the reason. */
public final class Rejections {
    private Rejections() {}

    /** {@code field} is the path relative to the refusing object; empty for single values parsed from text. */
    public static void assertRejected(ThrowingCallable construction, String field, String reasonFragment) {
        assertThatThrownBy(construction).isInstanceOf(ValidationException.class).satisfies(e -> {
            ValidationException v = (ValidationException) e;
            assertThat(v.field()).isEqualTo(field);
            assertThat(v.reason()).contains(reasonFragment);
            assertThat(v.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(v.getMessage()).isEqualTo(field.isEmpty() ? v.reason() : field + ": " + v.reason());
        });
    }
}
