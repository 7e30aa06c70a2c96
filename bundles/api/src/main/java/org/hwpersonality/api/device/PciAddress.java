package org.hwpersonality.api.device;

import org.hwpersonality.api.ValidationException;

/**
 * A PCI function's address, {@code DDDD:BB:SS.F} (domain, bus, slot, function, in hexadecimal), as {@code lspci
 * -D}, sysfs, {@code xbutil} and {@code fpgainfo} write it. The short form {@code BB:SS.F} means domain 0.
 */
public record PciAddress(int domain, int bus, int slot, int function) {
    public PciAddress {
        check("domain", domain, 0xffff);
        check("bus", bus, 0xff);
        check("slot", slot, 0x1f);
        check("function", function, 0x7);
    }

    private static final java.util.regex.Pattern FORM =
            java.util.regex.Pattern.compile("(?:([0-9a-fA-F]{1,4}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})[.:]([0-7])");

    /**
     * Reads an address as the vendor tools print it: {@code 0000:86:00.0}, {@code 86:00.0} (domain 0), in either
     * case, or OPAE 1.x's {@code 0000:D8:00:0}; empty when the text is none of these.
     */
    public static java.util.Optional<PciAddress> read(String text) {
        if (text == null) {
            return java.util.Optional.empty();
        }
        java.util.regex.Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        int slot = Integer.parseInt(m.group(3), 16);
        if (slot > 0x1f) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new PciAddress(
                m.group(1) == null ? 0 : Integer.parseInt(m.group(1), 16),
                Integer.parseInt(m.group(2), 16),
                slot,
                Integer.parseInt(m.group(4), 16)));
    }

    /** {@link #read} for a value given to HWP: a refusal naming {@code field} when it is not an address. */
    public static PciAddress parse(String field, String text) {
        if (text == null) {
            throw new ValidationException(field, "is required");
        }
        return read(text)
                .orElseThrow(() -> new ValidationException(
                        field,
                        "must be a PCI address DDDD:BB:SS.F, e.g. 0000:3b:00.1 (was '" + shorten(text.strip()) + "')"));
    }

    /** {@link #parse} for a value whose owner names the field (a JSON document's path). */
    public static PciAddress of(String text) {
        return parse("", text);
    }

    /** Whether {@code other} is a function of the same device (domain, bus and slot). */
    public boolean sameSlot(PciAddress other) {
        return domain == other.domain && bus == other.bus && slot == other.slot;
    }

    /** Another function of the same device (slot), e.g. the user function .1 next to the management function .0. */
    public PciAddress withFunction(int f) {
        return new PciAddress(domain, bus, slot, f);
    }

    /** {@code 0000:3b:00.1}. */
    @Override
    public String toString() {
        return String.format("%04x:%02x:%02x.%x", domain, bus, slot, function);
    }

    private static void check(String part, int value, int max) {
        if (value < 0 || value > max) {
            throw new ValidationException(
                    part, "must lie in [0, 0x" + Integer.toHexString(max) + "] (was " + value + ")");
        }
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
