package org.hwpersonality.api;

import java.util.Optional;
import org.hwpersonality.api.internal.Checks;

/** A guest operating system: its family ({@code linux}, {@code windows}…) and, when known, its kernel. */
public record OsInfo(String family, Optional<KernelVersion> kernel) {
    public OsInfo {
        Checks.name("family", family);
        Checks.notNull("kernel", kernel);
    }

    public static OsInfo of(String family, String kernel) {
        try {
            return new OsInfo(family, Optional.ofNullable(kernel).map(KernelVersion::of));
        } catch (ValidationException e) {
            throw e.field().isEmpty() ? e.within("kernel") : e;
        }
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof OsInfo other && family.equals(other.family) && kernel.equals(other.kernel));
    }

    @Override
    public int hashCode() {
        return 31 * family.hashCode() + kernel.hashCode();
    }
}
