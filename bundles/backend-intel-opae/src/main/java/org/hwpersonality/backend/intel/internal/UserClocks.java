package org.hwpersonality.backend.intel.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.BackendException.Kind;
import org.hwpersonality.api.profile.ClockSetting;

/**
 * The two user clocks of an OPAE AFU, in MHz: {@code uClk_usr} (the GBS metadata's {@code clock-frequency-high}) and
 * {@code uClk_usrDiv2} ({@code clock-frequency-low}), which the FIM derives from one PLL, so the high one is about
 * twice the low one. fpgaconf sets them from the GBS metadata after loading; {@code userclk} sets them on the
 * running AFU, without reconfiguring it.
 *
 * <p>{@code userclk} as its source has it ({@code tools/userclk/main.c}, OPAE 1.x to 2.x): options {@code --segment
 * -B -D -F -H -L}; with only {@code -H} the low clock is {@code H / 2}, with only {@code -L} the high one is
 * {@code 2 L}; with both, {@code |H - 2 L| > 1} is refused ("High freq must be ~ (2 * Low freq)", exit 1,
 * FPGA_INVALID_PARAM); no matching accelerator is exit 4 (FPGA_NOT_FOUND); it prints the frequencies before and after
 * as {@code High clock = %5.1f MHz} / {@code Low clock  = %5.1f MHz}.
 *
 * <p>Profile clock names: {@code kernel}, {@code uClk_usr} or {@code clock-frequency-high} set the high clock;
 * {@code uClk_usrDiv2} or {@code clock-frequency-low} the low one.
 */
record UserClocks(double highMhz, double lowMhz) {
    static final List<String> HIGH = List.of("kernel", "uClk_usr", "clock-frequency-high");
    static final List<String> LOW = List.of("uClk_usrDiv2", "clock-frequency-low");
    private static final Pattern REPORTED =
            Pattern.compile("(?m)^High clock\\s*=\\s*([0-9.]+) MHz\\s*\\R" + "Low clock\\s*=\\s*([0-9.]+) MHz");

    /**
     * The user clocks a request wants on a GBS: its clock settings over the clocks the GBS declares; empty when
     * neither names one (an image whose clocks are {@code auto} runs at what the fitter chose). Names it does not
     * know, and a high clock that is not about twice the low one, are refused before anything runs.
     */
    static Optional<UserClocks> wanted(List<ClockSetting> settings, Gbs gbs) {
        Double high = gbs.clocksMhz().get("clock-frequency-high");
        Double low = gbs.clocksMhz().get("clock-frequency-low");
        Double setHigh = null;
        Double setLow = null;
        for (ClockSetting c : settings) {
            if (HIGH.contains(c.name())) {
                setHigh = c.frequencyMhz();
            } else if (LOW.contains(c.name())) {
                setLow = c.frequencyMhz();
            } else {
                throw new BackendException(
                        Kind.INCOMPATIBLE,
                        "the profile sets clock '" + c.name() + "' but an OPAE AFU has two user clocks: "
                                + String.join(", ", HIGH) + " (high); " + String.join(", ", LOW) + " (low)");
            }
        }
        if (setHigh != null && setLow != null) {
            high = setHigh;
            low = setLow;
        } else if (setHigh != null) {
            high = setHigh;
            low = setHigh / 2;
        } else if (setLow != null) {
            low = setLow;
            high = setLow * 2;
        }
        if (high == null && low == null) {
            return Optional.empty();
        }
        high = high == null ? low * 2 : high;
        low = low == null ? high / 2 : low;
        if (Math.abs(Math.round(high) - 2 * Math.round(low)) > 1) {
            throw new BackendException(
                    Kind.INCOMPATIBLE,
                    "user clocks " + fmt(high) + " / " + fmt(low) + " MHz: the high clock must be about twice the"
                            + " low one (userclk: \"High freq must be ~ (2 * Low freq)\")");
        }
        return Optional.of(new UserClocks(high, low));
    }

    /** The userclk options that set these clocks (whole MHz, as userclk takes them). */
    List<String> options() {
        List<String> options = new ArrayList<>();
        options.add("-H");
        options.add(Long.toString(Math.round(highMhz)));
        options.add("-L");
        options.add(Long.toString(Math.round(lowMhz)));
        return options;
    }

    /** The clocks userclk reports last (after setting them), if it printed them. */
    static Optional<UserClocks> reported(String stdout) {
        Matcher m = REPORTED.matcher(stdout);
        UserClocks last = null;
        while (m.find()) {
            last = new UserClocks(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)));
        }
        return Optional.ofNullable(last);
    }

    /** Whether the card runs these clocks: the PLL reaches a frequency within 2 % (userclk says "Approximate"). */
    boolean near(UserClocks other) {
        return Math.abs(other.highMhz - highMhz) <= 0.02 * highMhz && Math.abs(other.lowMhz - lowMhz) <= 0.02 * lowMhz;
    }

    @Override
    public String toString() {
        return fmt(highMhz) + " / " + fmt(lowMhz) + " MHz";
    }

    private static String fmt(double mhz) {
        return String.format(Locale.ROOT, "%.1f", mhz);
    }
}
