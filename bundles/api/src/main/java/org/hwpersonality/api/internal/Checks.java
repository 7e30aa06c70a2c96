package org.hwpersonality.api.internal;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.hwpersonality.api.ValidationException;

/** The validation rules the records of the API share; each failure names the field. */
public final class Checks {
    public static final int MAX_TEXT = 4096;

    private static final String ID_RULE = "must be 1 to 128 letters, digits or . _ : - starting with a letter or digit";
    private static final String NAME_RULE = "must be lower-case letters, digits and '-', starting with a letter";

    private Checks() {}

    public static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new ValidationException(field, "is required");
        }
        return value;
    }

    public static String text(String field, String value, int maxLength) {
        notNull(field, value);
        if (value.isBlank()) {
            throw new ValidationException(field, "must not be blank");
        }
        if (value.length() > maxLength) {
            throw new ValidationException(field, "must be at most " + maxLength + " characters");
        }
        if (value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
            throw new ValidationException(field, "must not contain control characters");
        }
        return value;
    }

    public static String optionalText(String field, String value, int maxLength) {
        return value == null || value.isEmpty() ? "" : text(field, value, maxLength);
    }

    /**
     * Identifiers: letters, digits and {@code . _ : -}, starting with a letter or digit, at most 128. Checked
     * character by character, not with a regular expression: every record on the allocation path checks its IDs,
     * and the regular expression was a tenth of the server's CPU under load.
     */
    public static String id(String field, String value) {
        notNull(field, value);
        boolean valid = !value.isEmpty() && value.length() <= 128 && isAsciiLetterOrDigit(value.charAt(0));
        for (int i = 1; valid && i < value.length(); i++) {
            char c = value.charAt(i);
            valid = isAsciiLetterOrDigit(c) || c == '.' || c == '_' || c == ':' || c == '-';
        }
        return valid ? value : invalid(field, value, ID_RULE);
    }

    /** Lower-case names such as vendors, workloads and OS families: {@code [a-z][a-z0-9-]{0,63}}. */
    public static String name(String field, String value) {
        notNull(field, value);
        boolean valid = !value.isEmpty() && value.length() <= 64 && isLowerLetter(value.charAt(0));
        for (int i = 1; valid && i < value.length(); i++) {
            char c = value.charAt(i);
            valid = isLowerLetter(c) || isDigit(c) || c == '-';
        }
        return valid ? value : invalid(field, value, NAME_RULE);
    }

    /** Exactly {@code length} lower-case hexadecimal digits. */
    public static String lowerHex(String field, String value, int length, String rule) {
        notNull(field, value);
        boolean valid = value.length() == length;
        for (int i = 0; valid && i < length; i++) {
            char c = value.charAt(i);
            valid = isDigit(c) || (c >= 'a' && c <= 'f');
        }
        return valid ? value : invalid(field, value, rule);
    }

    public static String matches(String field, String value, Pattern pattern, String rule) {
        notNull(field, value);
        return pattern.matcher(value).matches() ? value : invalid(field, value, rule);
    }

    private static String invalid(String field, String value, String rule) {
        throw new ValidationException(field, rule + " (was '" + abbreviate(value) + "')");
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return isLowerLetter(c) || (c >= 'A' && c <= 'Z') || isDigit(c);
    }

    private static boolean isLowerLetter(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    public static double nonNegative(String field, double value) {
        finite(field, value);
        if (value < 0) {
            throw new ValidationException(field, "must be zero or more (was " + value + ")");
        }
        return value;
    }

    public static double positive(String field, double value) {
        finite(field, value);
        if (value <= 0) {
            throw new ValidationException(field, "must be greater than zero (was " + value + ")");
        }
        return value;
    }

    public static long nonNegative(String field, long value) {
        if (value < 0) {
            throw new ValidationException(field, "must be zero or more (was " + value + ")");
        }
        return value;
    }

    public static long positive(String field, long value) {
        if (value <= 0) {
            throw new ValidationException(field, "must be greater than zero (was " + value + ")");
        }
        return value;
    }

    public static double finite(String field, double value) {
        if (!Double.isFinite(value)) {
            throw new ValidationException(field, "must be a finite number (was " + value + ")");
        }
        return value;
    }

    public static double atMost(String field, double value, double max) {
        if (value > max) {
            throw new ValidationException(field, "must be at most " + max + " (was " + value + ")");
        }
        return value;
    }

    /** An immutable copy of a list with no null elements, validated element by element with its index in the path. */
    public static <T> List<T> list(String field, List<T> values, int maxSize) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > maxSize) {
            throw new ValidationException(
                    field, "must have at most " + maxSize + " entries (had " + values.size() + ")");
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                throw new ValidationException(field + "[" + i + "]", "must not be null");
            }
        }
        return List.copyOf(values);
    }

    public static <T> List<T> nonEmptyList(String field, List<T> values, int maxSize) {
        List<T> copy = list(field, values, maxSize);
        if (copy.isEmpty()) {
            throw new ValidationException(field, "must have at least one entry");
        }
        return copy;
    }

    public static <T, K> void unique(String field, Collection<T> values, Function<T, K> key, String keyName) {
        Set<K> seen = new HashSet<>();
        int i = 0;
        for (T value : values) {
            K k = key.apply(value);
            if (!seen.add(k)) {
                throw new ValidationException(field + "[" + i + "]." + keyName, "duplicate value '" + k + "'");
            }
            i++;
        }
    }

    /** An immutable copy of a string map whose keys and values are short, non-blank texts. */
    public static Map<String, String> stringMap(String field, Map<String, String> values, int maxSize) {
        if (values == null) {
            return Map.of();
        }
        if (values.size() > maxSize) {
            throw new ValidationException(
                    field, "must have at most " + maxSize + " entries (had " + values.size() + ")");
        }
        values.forEach((k, v) -> {
            text(field + " key", k, 128);
            notNull(field + "." + k, v);
            if (v.length() > MAX_TEXT) {
                throw new ValidationException(field + "." + k, "must be at most " + MAX_TEXT + " characters");
            }
        });
        return Map.copyOf(values);
    }

    /**
     * An interface (shell) ID in canonical form, 32 lower-case hex digits; the dashed UUID form and upper case
     * are accepted, as vendor tools print both.
     */
    public static String interfaceId(String field, String value) {
        notNull(field, value);
        String canonical = value.replace("-", "").toLowerCase(java.util.Locale.ROOT);
        return lowerHex(field, canonical, 32, "must be a UUID (32 hex digits, dashes allowed)");
    }

    private static String abbreviate(String value) {
        String shown = value.length() > 40 ? value.substring(0, 40) + "…" : value;
        StringBuilder out = new StringBuilder();
        shown.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
