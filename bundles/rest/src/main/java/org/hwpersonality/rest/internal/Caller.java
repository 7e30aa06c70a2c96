package org.hwpersonality.rest.internal;

import java.util.Optional;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.vm.VirtualMachine;

/**
 * Who sent a request: nobody, a Karaf user (HTTP Basic; an administrator when the user has the {@code admin} role, a
 * metrics reader with the {@code metrics} role),
 * or a VM (its bearer token).
 */
record Caller(Optional<String> user, boolean admin, boolean metrics, Optional<VirtualMachine> vm) {
    static final Caller ANONYMOUS = new Caller(Optional.empty(), false, false, Optional.empty());

    /** A Karaf user: an administrator, and whether it may read the metrics (the {@code metrics} role). */
    static Caller user(String name, boolean admin, boolean metrics) {
        return new Caller(Optional.of(name), admin, metrics, Optional.empty());
    }

    static Caller vm(VirtualMachine vm) {
        return new Caller(Optional.empty(), false, false, Optional.of(vm));
    }

    boolean authenticated() {
        return user.isPresent() || vm.isPresent();
    }

    /** Whether this caller may act for the VM: an administrator for any, a VM for itself only. */
    boolean mayActFor(String vmId) {
        return admin || vm.map(v -> v.id().equals(vmId)).orElse(false);
    }

    /** Refuses (403) unless this caller may act for the VM. */
    void requireActingFor(String vmId, String what) {
        if (!mayActFor(vmId)) {
            throw new HwpException(ErrorCode.FORBIDDEN, "a VM may only " + what + " of its own");
        }
    }

    /** For the audit trail: {@code http:USER} or {@code vm:ID}. */
    String actor() {
        return vm.map(v -> "vm:" + v.id()).orElseGet(() -> "http:" + user.orElse("anonymous"));
    }
}
