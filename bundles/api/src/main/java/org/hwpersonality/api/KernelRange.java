package org.hwpersonality.api;

import java.util.Optional;
import org.hwpersonality.api.internal.Checks;

/**
 * Kernels a driver supports: from {@code min} (inclusive) up to {@code max} (exclusive); either bound may be
 * absent. Written {@code [5.4,6.2)} in manifests; {@code *} means every kernel.
 */
public record KernelRange(Optional<KernelVersion> min, Optional<KernelVersion> max) {
    public static final KernelRange ANY = new KernelRange(Optional.empty(), Optional.empty());

    public KernelRange {
        Checks.notNull("min", min);
        Checks.notNull("max", max);
        if (min.isPresent() && max.isPresent() && min.get().compareTo(max.get()) >= 0) {
            throw new ValidationException("", "min " + min.get() + " must be below max " + max.get());
        }
    }

    /** Parses {@code *}, {@code [min,max)}, {@code [min,)} or {@code [,max)}. */
    public static KernelRange parse(String text) {
        Checks.notNull("", text);
        String t = text.strip();
        if (t.equals("*")) {
            return ANY;
        }
        if (!t.startsWith("[") || !t.endsWith(")") || t.indexOf(',') < 0) {
            throw new ValidationException("", "must be '*' or '[min,max)' (was '" + text + "')");
        }
        String[] bounds = t.substring(1, t.length() - 1).split(",", -1);
        if (bounds.length != 2) {
            throw new ValidationException("", "must have exactly one ',' (was '" + text + "')");
        }
        return new KernelRange(bound(bounds[0]), bound(bounds[1]));
    }

    private static Optional<KernelVersion> bound(String text) {
        return text.isBlank() ? Optional.empty() : Optional.of(KernelVersion.of(text.strip()));
    }

    public boolean contains(KernelVersion kernel) {
        return min.map(m -> kernel.compareTo(m) >= 0).orElse(true)
                && max.map(m -> kernel.compareTo(m) < 0).orElse(true);
    }

    @Override
    public String toString() {
        if (min.isEmpty() && max.isEmpty()) {
            return "*";
        }
        return "[" + min.map(KernelVersion::text).orElse("") + ","
                + max.map(KernelVersion::text).orElse("") + ")";
    }
}
