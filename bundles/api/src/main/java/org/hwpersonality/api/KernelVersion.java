package org.hwpersonality.api;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hwpersonality.api.internal.Checks;

/**
 * An operating-system kernel version such as {@code 5.15.0-91-generic}: compared by its numeric release
 * ({@code 5.15.0}, then the build number {@code 91}); the flavour after it is kept but not ordered. Equal when the
 * text is equal. The numbers are parsed once, when the value is made: matching compares kernels on its hot path.
 */
public final class KernelVersion implements Comparable<KernelVersion> {
    private static final Pattern FORM = Pattern.compile(
            "(\\d{1,6})(?:\\.(\\d{1,6}))?(?:\\.(\\d{1,6}))?(?:[-.](\\d{1,9}))?([-+._~][A-Za-z0-9._+~-]{0,60})?");

    private final String text;
    private final long[] numbers;

    public KernelVersion(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            Checks.matches("", text, FORM, "must be a kernel version such as 5.15.0 or 5.15.0-91-generic"); // throws
        }
        this.text = text;
        numbers = new long[4];
        for (int i = 0; i < 4; i++) {
            numbers[i] = m.group(i + 1) == null ? 0 : Long.parseLong(m.group(i + 1));
        }
    }

    public static KernelVersion of(String text) {
        return new KernelVersion(text);
    }

    /** The version as written. */
    public String text() {
        return text;
    }

    @Override
    public int compareTo(KernelVersion other) {
        return Arrays.compare(numbers, other.numbers);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KernelVersion k && k.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
