package org.hwpersonality.api;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts that building a value is refused with a {@link ValidationException} naming the field and the reason. */
public final class Rejections {
    private Rejections() {}

    public static void assertRejected(ThrowingCallable construction, String field, String reasonFragment) {
        assertThatThrownBy(construction).isInstanceOf(ValidationException.class).satisfies(e -> {
            ValidationException v = (ValidationException) e;
            org.assertj.core.api.Assertions.assertThat(v.field()).isEqualTo(field);
            org.assertj.core.api.Assertions.assertThat(v.reason()).contains(reasonFragment);
            org.assertj.core.api.Assertions.assertThat(v.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            org.assertj.core.api.Assertions.assertThat(v.getMessage()).startsWith(field + ": ");
        });
    }
}
