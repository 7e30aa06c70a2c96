package org.hwpersonality.api.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.backend.BackendException.Kind;

/**
 * The host's own benchmark of a workload on a card, as an operator configures it for a real back end: a command
 * line (split at spaces, run without a shell) whose words may hold {@code {workload}}, {@code {device}} and
 * {@code {region}}, e.g. {@code /opt/bench/run-{workload}.sh --device {device}}. It prints what it measured as
 * {@code key=value} lines: {@code throughputGops} and {@code latencyUs} (required), {@code powerWatts} (optional:
 * else the card's own power sensor); other lines are ignored. A non-zero exit, a missing figure or one that is no
 * number fails the measurement, saying which.
 */
public final class WorkloadCommand {
    private final List<String> words;
    private final Duration timeout;
    private final CommandRunner runner = new CommandRunner();

    private WorkloadCommand(List<String> words, Duration timeout) {
        this.words = List.copyOf(words);
        this.timeout = timeout;
    }

    /** The command of a configuration value; empty when blank (the back end then measures nothing). */
    public static Optional<WorkloadCommand> of(String template, Duration timeout) {
        if (template == null || template.isBlank()) {
            return Optional.empty();
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the workload command's timeout must be positive");
        }
        return Optional.of(new WorkloadCommand(List.of(template.strip().split("\\s+")), timeout));
    }

    /** What the command measured, without power if it printed none. */
    public record Measured(double throughputGops, double latencyUs, Optional<Double> powerWatts) {
        /** The figures, with {@code cardPower} where the command printed no power. */
        public PerformanceFigures figures(Optional<Double> cardPower, String device) {
            double power = powerWatts
                    .or(() -> cardPower)
                    .orElseThrow(() -> new BackendException(
                            Kind.DEVICE_ERROR,
                            "the workload command printed no powerWatts and device " + device
                                    + " reports no board power"));
            return new PerformanceFigures(throughputGops, latencyUs, power);
        }
    }

    /** The command line for one run. */
    List<String> line(String workload, String device, String region) {
        List<String> line = new ArrayList<>();
        for (String w : words) {
            line.add(w.replace("{workload}", workload)
                    .replace("{device}", device)
                    .replace("{region}", region));
        }
        return line;
    }

    /** Runs it for a workload on a region of a device. */
    public Measured run(String workload, String device, String region) {
        CommandRunner.Result r = runner.run(line(workload, device, region), timeout);
        if (r.exitCode() != 0) {
            String said = (r.stderr().isBlank() ? r.stdout() : r.stderr())
                    .lines()
                    .filter(l -> !l.isBlank())
                    .limit(3)
                    .collect(Collectors.joining(" | "));
            throw new BackendException(
                    Kind.DEVICE_ERROR,
                    "the workload command for " + workload + " on " + device + " exited with " + r.exitCode() + ": "
                            + said);
        }
        Map<String, String> values = new LinkedHashMap<>();
        r.stdout().lines().forEach(l -> {
            int eq = l.indexOf('=');
            if (eq > 0) {
                values.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
            }
        });
        return new Measured(
                figure(values, "throughputGops", workload).orElseThrow(() -> missing("throughputGops", workload)),
                figure(values, "latencyUs", workload).orElseThrow(() -> missing("latencyUs", workload)),
                figure(values, "powerWatts", workload));
    }

    private static Optional<Double> figure(Map<String, String> values, String key, String workload) {
        String v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        try {
            double d = Double.parseDouble(v);
            if (!Double.isFinite(d) || d < 0 || d > PerformanceFigures.MAX) {
                throw new NumberFormatException();
            }
            return Optional.of(d);
        } catch (NumberFormatException e) {
            throw new BackendException(
                    Kind.DEVICE_ERROR,
                    "the workload command for " + workload + " printed " + key + "=" + v
                            + ", which is not a figure (a number from 0 to " + PerformanceFigures.MAX + ")");
        }
    }

    private static BackendException missing(String key, String workload) {
        return new BackendException(
                Kind.DEVICE_ERROR, "the workload command for " + workload + " printed no " + key + "=… line");
    }
}
