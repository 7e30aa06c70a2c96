package org.hwpersonality.api.backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a vendor tool ({@code xbutil}, {@code fpgainfo}, {@code fpgaconf} …) the way back ends must: no shell,
 * standard input closed, standard output and error captured (at most {@link #MAX_OUTPUT} bytes each), and a
 * deadline after which the tool and its children are killed and the run fails with
 * {@link BackendException.Kind#TIMEOUT}.
 */
public final class CommandRunner {
    /** Output kept per stream; the rest is read and dropped, so a chatty tool cannot exhaust memory. */
    public static final int MAX_OUTPUT = 1 << 20;

    /** How a run ended. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr, Duration duration) {}

    /** Runs {@code command} and returns how it ended, whatever its exit code. */
    public Result run(List<String> command, Duration timeout) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        long start = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                    .start();
        } catch (IOException e) {
            throw new BackendException(
                    BackendException.Kind.DEVICE_ERROR, "cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                kill(process);
                throw new BackendException(
                        BackendException.Kind.TIMEOUT,
                        describe(command) + " did not finish within " + timeout.toMillis() + " ms");
            }
            return new Result(
                    List.copyOf(command),
                    process.exitValue(),
                    stdout.get(),
                    stderr.get(),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new BackendException(BackendException.Kind.TIMEOUT, describe(command) + " was interrupted", e);
        } catch (ExecutionException e) {
            throw new BackendException(
                    BackendException.Kind.DEVICE_ERROR, "cannot read the output of " + describe(command), e);
        }
    }

    /** Runs {@code command}; a non-zero exit is a {@link BackendException.Kind#DEVICE_ERROR} quoting the tool. */
    public Result check(List<String> command, Duration timeout) {
        Result result = run(command, timeout);
        if (result.exitCode() != 0) {
            String said = (result.stderr().isBlank() ? result.stdout() : result.stderr())
                    .lines()
                    .filter(l -> !l.isBlank())
                    .limit(5)
                    .collect(Collectors.joining(" | "));
            throw new BackendException(
                    BackendException.Kind.DEVICE_ERROR,
                    describe(command) + " exited with " + result.exitCode() + ": " + said);
        }
        return result;
    }

    private static String describe(List<String> command) {
        return String.join(" ", command);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                int room = MAX_OUTPUT - kept.size();
                if (room > 0) {
                    kept.write(buffer, 0, Math.min(room, n));
                }
            }
            return kept.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
