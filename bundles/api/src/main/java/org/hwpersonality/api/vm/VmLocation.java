package org.hwpersonality.api.vm;

import java.util.Optional;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/**
 * Where a VM runs: the node whose cards it can reach ({@code host}, a node ID) and the hypervisor's name for it
 * ({@code domain}: a libvirt domain name or UUID). A VM with a host is given only devices of that node; one without
 * may be given any device of the installation.
 *
 * <p>A domain is passed to the hypervisor's tools as one argument: at most 255 characters, no control characters,
 * no {@code /} (libvirt refuses it in names), and not starting with {@code -}, which a command line would read as an
 * option.
 */
public record VmLocation(Optional<String> host, Optional<String> domain) {
    /** Nowhere in particular: any device of the installation, nothing to attach to. */
    public static final VmLocation ANYWHERE = new VmLocation(Optional.empty(), Optional.empty());

    public VmLocation {
        Checks.notNull("host", host).ifPresent(VmLocation::checkHost);
        Checks.notNull("domain", domain).ifPresent(VmLocation::checkDomain);
    }

    /** From values that may be null (absent). */
    public static VmLocation of(String host, String domain) {
        return new VmLocation(Optional.ofNullable(host), Optional.ofNullable(domain));
    }

    private static void checkHost(String host) {
        Checks.id("host", host);
        if (host.length() > org.hwpersonality.api.node.Node.MAX_ID) {
            throw new ValidationException(
                    "host", "must be at most " + org.hwpersonality.api.node.Node.MAX_ID + " characters (a node ID)");
        }
    }

    private static void checkDomain(String domain) {
        Checks.text("domain", domain, 255);
        if (domain.indexOf('/') >= 0) {
            throw new ValidationException("domain", "must not contain '/' (not a libvirt domain name)");
        }
        if (domain.startsWith("-")) {
            throw new ValidationException("domain", "must not start with '-'");
        }
        if (domain.indexOf('\n') >= 0
                || domain.indexOf('\t') >= 0
                || !domain.strip().equals(domain)) {
            throw new ValidationException(
                    "domain", "must not contain line breaks or tabs, nor begin or end with a space");
        }
    }
}
