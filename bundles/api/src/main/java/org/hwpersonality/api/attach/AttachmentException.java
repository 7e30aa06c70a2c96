package org.hwpersonality.api.attach;

import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;

/** A hypervisor refused or failed an attach or detach; the message says what it said. */
public final class AttachmentException extends HwpException {
    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Kind {
        /** The hypervisor knows no such domain. */
        UNKNOWN_DOMAIN,
        /** The domain is not running: nothing can be hot-plugged. */
        NOT_RUNNING,
        /** Another domain (or a host driver) holds the function. */
        IN_USE,
        /** The host cannot pass the function through (no IOMMU, no vfio), or the hypervisor refused otherwise. */
        REFUSED,
        /** The tool did not answer in time, or could not be run. */
        UNAVAILABLE
    }

    private final Kind kind;

    public AttachmentException(Kind kind, String message) {
        super(kind == Kind.UNKNOWN_DOMAIN ? ErrorCode.INVALID_REQUEST : ErrorCode.CONFLICT, message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
