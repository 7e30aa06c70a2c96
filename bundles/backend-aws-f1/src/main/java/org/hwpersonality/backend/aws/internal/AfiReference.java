package org.hwpersonality.backend.aws.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.BackendException.Kind;

/**
 * HWP's stored form of an Amazon FPGA Image. The image itself lives with AWS; what HWP stores (and hashes, and
 * ships between nodes) is a short text file naming it: the first line is the AFI's global ID as
 * {@code aws ec2 create-fpga-image} returns it ({@code FpgaImageGlobalId}, {@code agfi-} and 17 hex digits), the
 * following lines {@code key=value}: {@code shellVersion} (the F1 shell the AFI was built for, as
 * {@code aws ec2 describe-fpga-images} reports {@code ShellVersion}, e.g. {@code 0x04261818}) and the frequencies its
 * design was built at, {@code clock.a0}, {@code clock.b0}, {@code clock.c0} in MHz (the build's clock recipes).
 * {@code #} lines and blank lines are ignored; anything else is refused, naming the line.
 */
record AfiReference(String agfi, Optional<Long> shellVersion, Map<String, Double> clocksMhz) {
    static final Pattern AGFI = Pattern.compile("agfi-[0-9a-f]{17}");
    static final List<String> CLOCKS = List.of("a0", "b0", "c0");
    private static final long MAX_BYTES = 64 * 1024;

    static AfiReference read(Path file) {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw invalid(file, "it is larger than " + MAX_BYTES + " bytes: an AFI reference is a few lines");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BackendException(Kind.CORRUPT_IMAGE, "cannot read " + file + ": " + e.getMessage(), e);
        }
        List<String> lines = text.lines().map(String::strip).toList();
        if (lines.isEmpty() || !AGFI.matcher(lines.get(0)).matches()) {
            throw invalid(file, "its first line must be an AFI global ID (agfi- and 17 hex digits)");
        }
        Optional<Long> shell = Optional.empty();
        Map<String, Double> clocks = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq > 0 ? line.substring(0, eq).strip() : "";
            String value = eq > 0 ? line.substring(eq + 1).strip() : "";
            if (key.equals("shellVersion")) {
                shell = Optional.of(shellVersion(value)
                        .orElseThrow(
                                () -> invalid(file, "shellVersion must be a 32-bit hex number such as 0x04261818")));
            } else if (key.startsWith("clock.") && CLOCKS.contains(key.substring(6))) {
                clocks.put(key.substring(6), mhz(value).orElseThrow(() -> invalid(file, key + " must be MHz > 0")));
            } else {
                throw invalid(
                        file,
                        "line '" + line + "' is not shellVersion=, clock.a0=, clock.b0= or clock.c0= (key=value)");
            }
        }
        return new AfiReference(lines.get(0), shell, Map.copyOf(clocks));
    }

    /** The AFI as the 32-hex-digit image ID HWP compares: its 17 hex digits, zero-padded on the left. */
    static String imageId(String agfi) {
        String hex = agfi.substring("agfi-".length());
        return "0".repeat(32 - hex.length()) + hex;
    }

    /** A shell version as the 32-hex-digit interface ID a device and its images are matched by. */
    static String interfaceId(long shellVersion) {
        String hex = Long.toHexString(shellVersion);
        return "0".repeat(32 - hex.length()) + hex;
    }

    static Optional<Long> shellVersion(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (!t.matches("0x[0-9a-f]{1,8}")) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(t.substring(2), 16));
    }

    private static Optional<Double> mhz(String text) {
        try {
            double v = Double.parseDouble(text);
            return v > 0 && v <= 2_000 ? Optional.of(v) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static BackendException invalid(Path file, String why) {
        return new BackendException(Kind.CORRUPT_IMAGE, file.getFileName() + " is no AFI reference: " + why);
    }
}
