package org.hwpersonality.backend.intel.internal;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.BackendException.Kind;
import org.hwpersonality.api.backend.CommandRunner;

/**
 * What a failed {@code fpgaconf} run means, from its exit code and what it printed ({@code fpgaconf.c}'s {@code
 * main()} in OPAE 1.4 to 2.x: literal exit codes, no names for them).
 *
 * <ul>
 *   <li>1: its arguments (or the GBS path) were refused;
 *   <li>2: the bitstream would not load ({@code opae_load_bitstream}: unreadable, bad GUID, bad metadata); the
 *       region is unchanged;
 *   <li>3: enumerating the FPGAs failed;
 *   <li>4: "No suitable slots found.": with {@code -V} it prints the FME's and the GBS's interface IDs ({@code
 *       Expected Interface id:} / {@code Actual Interface id:}) when a card at the address has another PR interface;
 *       without them, no card matched the address;
 *   <li>5: "Found more than one suitable slot" or the reconfiguration failed ({@code Error writing bitstream to
 *       FPGA: …}, after libopae's {@code PR … error detected});
 *   <li>6 to 8: OPAE 2.0.2's argument filter refused the address.
 * </ul>
 */
final class FpgaconfExit {
    private static final Pattern EXPECTED =
            Pattern.compile("(?m)^Expected Interface id:\\s*([0-9a-fA-F-]{32,36})\\s*$");
    private static final Pattern ACTUAL = Pattern.compile("(?m)^Actual Interface id:\\s*([0-9a-fA-F-]{32,36})\\s*$");

    private FpgaconfExit() {}

    /** Whether fpgaconf refused {@code -V} (OPAE 1.3 and older took {@code -v} for verbose). */
    static boolean refusedVerbose(CommandRunner.Result r) {
        return r.exitCode() == 1 && r.stderr().contains("Invalid cmdline options");
    }

    /** The failure an exit says, naming the device and the image; {@code r} did not exit 0. */
    static BackendException failure(CommandRunner.Result r, String device, String image) {
        String said = said(r);
        return switch (r.exitCode()) {
            case 2 ->
                new BackendException(
                        Kind.CORRUPT_IMAGE,
                        "fpgaconf could not load the bitstream " + image + " (exit 2; the region of " + device
                                + " is unchanged): " + said);
            case 4 -> {
                Optional<String> card = id(EXPECTED, r.stdout());
                Optional<String> gbs = id(ACTUAL, r.stdout());
                if (card.isPresent() && gbs.isPresent()) {
                    yield new BackendException(
                            Kind.INCOMPATIBLE,
                            "fpgaconf found no suitable slot (exit 4): " + device + " has PR interface " + card.get()
                                    + ", the bitstream " + image + " was built for " + gbs.get()
                                    + " (the region is unchanged)");
                }
                yield new BackendException(
                        Kind.UNKNOWN_DEVICE,
                        "fpgaconf found no FPGA at " + device + " (exit 4, no suitable slot): " + said);
            }
            case 5 ->
                new BackendException(
                        Kind.DEVICE_ERROR,
                        (said.contains("more than one suitable slot")
                                        ? "fpgaconf found more than one suitable slot for " + device
                                        : "fpgaconf failed to program " + device + " with " + image)
                                + " (exit 5): " + said);
            case 3 ->
                new BackendException(Kind.DEVICE_ERROR, "fpgaconf could not enumerate the FPGAs (exit 3): " + said);
            default ->
                new BackendException(
                        Kind.DEVICE_ERROR,
                        "fpgaconf refused to run for " + device + " (exit " + r.exitCode() + "): " + said);
        };
    }

    private static Optional<String> id(Pattern p, String out) {
        Matcher m = p.matcher(out);
        return m.find() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** Its error lines (standard error, else standard output), at most five. */
    private static String said(CommandRunner.Result r) {
        String text = r.stderr().isBlank() ? r.stdout() : r.stderr();
        return text.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .limit(5)
                .collect(Collectors.joining(" | "));
    }
}
