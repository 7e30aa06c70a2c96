package org.hwpersonality.api.attach;

import org.hwpersonality.api.device.PciAddress;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A hypervisor of this node: hot-plugs a PCI function of this machine into a running VM (its domain) and unplugs
 * it. Registered as an OSGi service with the property {@value #HYPERVISOR_PROPERTY}; a node without one allocates
 * without attaching. Every method may block on the hypervisor's tools and throws {@link AttachmentException} on
 * failure, saying what the hypervisor said.
 */
@ConsumerType
public interface Attachment {
    /** The service property naming the hypervisor, e.g. {@code libvirt}. */
    String HYPERVISOR_PROPERTY = "hwp.hypervisor";

    /** The hypervisor this implementation drives; equals the service property. */
    String hypervisor();

    /** Whether the hypervisor knows a domain of this name or UUID (running or not). */
    boolean hasDomain(String domain);

    /**
     * Hot-plugs {@code function} into the running {@code domain}. Attaching a function the domain has already is
     * done (nothing changes): a retry after a crash is safe.
     */
    void attach(String domain, PciAddress function);

    /**
     * Unplugs {@code function} from the running {@code domain}. A function the domain does not have, or a domain
     * that is gone, is not a failure: the answer says which, for the record.
     */
    Detached detach(String domain, PciAddress function);

    /** What a detach found. */
    enum Detached {
        /** The function was unplugged. */
        DETACHED,
        /** The domain did not have it (already unplugged, or never attached). */
        NOT_ATTACHED,
        /** The hypervisor knows no such domain any more (the VM was destroyed or moved away). */
        DOMAIN_GONE
    }
}
