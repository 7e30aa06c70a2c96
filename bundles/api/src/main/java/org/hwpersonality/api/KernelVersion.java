package org.hwpersonality.api;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hwpersonality.api.internal.Checks;

/**
 * An operating-system kernel version such as {@code 5.15.0-91-generic}: compared by its numeric release
 * ({@code 5.15.0}, then the build number {@code 91}); the flavour after it is kept but not ordered.
 */
public record KernelVersion(String text) implements Comparable<KernelVersion> {
    private static final Pattern FORM = Pattern.compile(
            "(\\d{1,6})(?:\\.(\\d{1,6}))?(?:\\.(\\d{1,6}))?(?:[-.](\\d{1,9}))?([-+._~][A-Za-z0-9._+~-]{0,60})?");

    public KernelVersion {
        Checks.matches("", text, FORM, "must be a kernel version such as 5.15.0 or 5.15.0-91-generic");
    }

    public static KernelVersion of(String text) {
        return new KernelVersion(text);
    }

    private long[] numbers() {
        Matcher m = FORM.matcher(text);
        m.matches();
        long[] n = new long[4];
        for (int i = 0; i < 4; i++) {
            n[i] = m.group(i + 1) == null ? 0 : Long.parseLong(m.group(i + 1));
        }
        return n;
    }

    @Override
    public int compareTo(KernelVersion other) {
        return Arrays.compare(numbers(), other.numbers());
    }

    @Override
    public String toString() {
        return text;
    }
}
