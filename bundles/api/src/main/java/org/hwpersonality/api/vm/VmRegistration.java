package org.hwpersonality.api.vm;

import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/** The answer to a registration: the VM and its API token, shown this once (HWP stores only its hash). */
public record VmRegistration(VirtualMachine vm, String token) {
    public VmRegistration {
        Checks.notNull("vm", vm);
        Checks.notNull("token", token);
        if (token.length() < 32) {
            throw new ValidationException("token", "must have at least 32 characters");
        }
    }

    @Override
    public String toString() {
        return "VmRegistration[vm=" + vm + ", token=<hidden>]";
    }
}
