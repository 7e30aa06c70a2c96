package org.hwpersonality.shell.internal;

import java.util.Optional;
import org.hwpersonality.api.ValidationException;

/** Command-line numbers, refused with the option's name. */
final class Numbers {
    private Numbers() {}

    static Optional<Double> decimal(String option, String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            throw new ValidationException(option, "must be a number (was '" + value + "')");
        }
    }

    static Optional<Long> integer(String option, String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new ValidationException(option, "must be a whole number (was '" + value + "')");
        }
    }
}
