package org.hwpersonality.shell.internal;

import java.util.List;
import org.hwpersonality.api.tenant.Sharing;

/** Sharings as the shell shows and reads them. */
final class Sharings {
    private Sharings() {}

    /** "any tenant", "tenants acme, beta", "administrators only"; and ", shareable". */
    static String describe(Sharing s) {
        String who = s.publicUse()
                ? "any tenant"
                : s.tenants().isEmpty() ? "administrators only" : "tenants " + String.join(", ", s.tenants());
        return who + (s.shareable() ? "; shareable (passes between tenants without a clear)" : "");
    }

    /** The sharing the options say: public, or the tenants named (none: administrators only). */
    static Sharing of(boolean publicUse, List<String> tenants, boolean shareable) {
        return new Sharing(publicUse, tenants == null ? java.util.Set.of() : java.util.Set.copyOf(tenants), shareable);
    }
}
