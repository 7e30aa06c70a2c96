package org.hwpersonality.api.tenant;

import java.util.Set;
import java.util.TreeSet;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/**
 * Who may load an image or a profile: any tenant ({@code publicUse}), or only the {@code tenants} named (none:
 * administrators alone, e.g. to characterize it first). A request is matched only with a profile that its VM's tenant
 * may load, and whose image it may load. {@code shareable} (profiles only) declares that the personality keeps no
 * tenant's data between uses (stateless, its card memory not kept): a region holding it passes from one tenant's VM
 * to another's without a clear. Everything is public and not shareable unless an administrator says otherwise.
 */
public record Sharing(boolean publicUse, Set<String> tenants, boolean shareable) {
    /** The most tenants one image or profile may be shared with by name. */
    public static final int MAX_TENANTS = 60;

    /** What an image or a profile is until an administrator restricts it. */
    public static final Sharing PUBLIC = new Sharing(true, Set.of(), false);

    public Sharing {
        Checks.notNull("tenants", tenants);
        if (tenants.size() > MAX_TENANTS) {
            throw new ValidationException(
                    "tenants", "names " + tenants.size() + " tenants; at most " + MAX_TENANTS + " may be named");
        }
        for (String t : tenants) {
            Checks.name("tenants", t);
        }
        if (publicUse && !tenants.isEmpty()) {
            throw new ValidationException("tenants", "must be empty when public is true (any tenant may load it)");
        }
        tenants = java.util.Collections.unmodifiableSet(new TreeSet<>(tenants));
    }

    /** Shared with the {@code tenants} named only. */
    public static Sharing with(Set<String> tenants, boolean shareable) {
        return new Sharing(false, tenants, shareable);
    }

    /** Whether a VM of {@code tenant} may load it. */
    public boolean permits(String tenant) {
        return publicUse || tenants.contains(tenant);
    }
}
