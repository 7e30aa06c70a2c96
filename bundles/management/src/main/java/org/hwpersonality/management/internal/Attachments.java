package org.hwpersonality.management.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hwpersonality.api.attach.Attachment;
import org.hwpersonality.api.attach.AttachmentException;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.PciAddress;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.vm.VirtualMachine;

/**
 * The hypervisor attachments bound on this node, and the one rule of when an allocation is attached: its VM names a
 * domain, its device is this node's (the hypervisor sees only this machine's functions), and an attachment is bound.
 * Otherwise allocations go on as without attachments.
 */
final class Attachments {
    private final List<Attachment> bound = new CopyOnWriteArrayList<>();

    void bind(Attachment a) {
        bound.add(a);
    }

    void unbind(Attachment a) {
        bound.remove(a);
    }

    /** A region's guest function in a VM's domain, through the attachment that plugs it. */
    record Plug(Attachment attachment, String domain, PciAddress function) {
        void attach() {
            attachment.attach(domain, function);
        }

        Attachment.Detached detach() {
            return attachment.detach(domain, function);
        }

        @Override
        public String toString() {
            return function + " in " + attachment.hypervisor() + " domain " + domain;
        }
    }

    /**
     * The plug of {@code region} into {@code vm}'s domain, if this allocation is attached; a region whose back end
     * names no guest function cannot be (a refusal, as for a failed attach).
     */
    Optional<Plug> plug(VirtualMachine vm, Device device, Region region, String thisNode) {
        Optional<Attachment> attachment = attachmentFor(device, thisNode);
        if (vm.location().domain().isEmpty() || attachment.isEmpty()) {
            return Optional.empty();
        }
        PciAddress function = region.guestFunction()
                .orElseThrow(() -> new AttachmentException(
                        AttachmentException.Kind.REFUSED,
                        "the back end of " + device.id() + " names no guest function for region " + region.id()
                                + ": it cannot be attached to domain "
                                + vm.location().domain().get()));
        return Optional.of(new Plug(attachment.get(), vm.location().domain().get(), function));
    }

    /**
     * Whether an allocation of {@code device} may be attached here at all, whatever its VM: an attachment is bound
     * and the device is this node's. When not, {@link #plug} is empty for every VM, which need not be read.
     */
    boolean mayAttach(Device device, String thisNode) {
        return attachmentFor(device, thisNode).isPresent();
    }

    /** The attachment that plugs allocations of {@code device}: one bound here, for this node's devices only. */
    private Optional<Attachment> attachmentFor(Device device, String thisNode) {
        return device.node().equals(thisNode) ? bound.stream().findFirst() : Optional.empty();
    }

    /**
     * Whether this node's hypervisor knows the domain of a VM that runs {@code where}; true when nothing here can
     * tell (no domain, no attachment bound, or the VM runs on another node).
     */
    boolean knowsDomain(org.hwpersonality.api.vm.VmLocation where, String thisNode) {
        Optional<Attachment> attachment = bound.stream().findFirst();
        if (where.domain().isEmpty()
                || attachment.isEmpty()
                || !where.host().map(thisNode::equals).orElse(true)) {
            return true;
        }
        return attachment.get().hasDomain(where.domain().get());
    }

    /** The hypervisor name of the attachment bound here, for messages. */
    String hypervisor() {
        return bound.stream().findFirst().map(Attachment::hypervisor).orElse("no hypervisor");
    }
}
