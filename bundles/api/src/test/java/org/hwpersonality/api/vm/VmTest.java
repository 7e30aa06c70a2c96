package org.hwpersonality.api.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hwpersonality.api.Rejections.assertRejected;
import static org.hwpersonality.api.Samples.T0;

import org.hwpersonality.api.OsInfo;
import org.junit.jupiter.api.Test;

class VmTest {
    private final VirtualMachine vm = new VirtualMachine("vm-1", "web-42", OsInfo.of("linux", "5.15.0"), false, T0);

    @Test
    void vmRules() {
        assertRejected(() -> new VirtualMachine("vm 1", "n", vm.os(), false, T0), "id", "letters");
        assertRejected(() -> new VirtualMachine("vm-1", "", vm.os(), false, T0), "name", "letters");
        assertRejected(() -> new VirtualMachine("vm-1", "n", null, false, T0), "os", "is required");
        assertRejected(() -> new VirtualMachine("vm-1", "n", vm.os(), false, null), "registeredAt", "is required");
    }

    @Test
    void registrationHidesItsTokenAndNeedsAStrongOne() {
        VmRegistration registration = new VmRegistration(vm, "t".repeat(43));
        assertThat(registration.toString()).doesNotContain("ttt").contains("<hidden>");
        assertRejected(() -> new VmRegistration(vm, "short"), "token", "at least 32");
        assertRejected(() -> new VmRegistration(null, "t".repeat(43)), "vm", "is required");
    }
}
