package org.hwpersonality.attach.libvirt.internal;

import java.util.Locale;

/**
 * What a failed virsh call said, by libvirt's own messages (virsh prints {@code error: Failed to attach device
 * from FILE}, then {@code error: } and libvirt's message, on standard error).
 */
final class VirshErrors {
    private VirshErrors() {}

    enum Said {
        /** {@code error: failed to get domain 'NAME'} (virsh's own lookup, tools/virsh-domain.c). */
        NO_DOMAIN,
        /** {@code Requested operation is not valid: domain is not running} (VIR_ERR_OPERATION_INVALID). */
        NOT_RUNNING,
        /** The function is another domain's or a host driver's: {@code ... is in use by driver QEMU, domain X}. */
        IN_USE,
        /**
         * Detaching a function the domain does not have: {@code device not found: host pci device ... not found}
         * (qemuDomainDetachPrepHostdev; older libvirt said {@code operation failed: host pci device ... not found}).
         */
        NOT_ATTACHED,
        OTHER
    }

    static Said of(String stderr) {
        String s = stderr.toLowerCase(Locale.ROOT);
        if (s.contains("failed to get domain") || s.contains("domain not found")) {
            return Said.NO_DOMAIN;
        }
        if (s.contains("domain is not running")) {
            return Said.NOT_RUNNING;
        }
        if (s.contains("is in use by")) {
            return Said.IN_USE;
        }
        // libvirt's VIR_ERR_DEVICE_MISSING line, not any "not found" (QEMU's own "Device not found" inside an
        // internal error is a failed unplug, not an absent device)
        if (s.contains("error: device not found: ") || s.contains("error: operation failed: host pci device")) {
            return Said.NOT_ATTACHED;
        }
        return Said.OTHER;
    }
}
