package org.hwpersonality.json.internal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.annotation.JsonValue;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.KernelVersion;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.vm.VmLocation;

/**
 * Jackson annotations for the API's single-value types, which are written as plain strings, and for records whose
 * parts are written as fields of their own.
 */
public final class ValueMixins {
    private ValueMixins() {}

    /** {@code "9f86d0…"}. */
    public abstract static class Sha256Mixin {
        @JsonCreator
        static Sha256 of(String hex) {
            return Sha256.of(hex);
        }

        @JsonValue
        abstract String hex();
    }

    /** {@code "5.15.0-91-generic"}. */
    public abstract static class KernelVersionMixin {
        @JsonCreator
        static KernelVersion of(String text) {
            return KernelVersion.of(text);
        }

        @JsonValue
        abstract String text();
    }

    /** {@code "[5.4,6.2)"} or {@code "*"}. */
    public abstract static class KernelRangeMixin {
        @JsonCreator
        static KernelRange parse(String text) {
            return KernelRange.parse(text);
        }

        @JsonValue
        @Override
        public abstract String toString();
    }

    /** {@code "0000:3b:00.1"}. */
    public abstract static class PciAddressMixin {
        @JsonCreator
        static org.hwpersonality.api.device.PciAddress of(String text) {
            return org.hwpersonality.api.device.PciAddress.of(text);
        }

        @JsonValue
        @Override
        public abstract String toString();
    }

    /** A VM's {@code host} and {@code domain} are fields of the VM, as registration takes them. */
    public abstract static class VirtualMachineMixin {
        @JsonUnwrapped
        abstract VmLocation location();
    }
}
