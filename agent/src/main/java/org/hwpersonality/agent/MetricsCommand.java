package org.hwpersonality.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the metrics command ({@code sh -c}) and reads what it prints: at most 1 MiB, within a timeout. The command
 * learns where it runs from its environment (see {@link #sample}).
 */
final class MetricsCommand {
    private final String command;
    private final Duration timeout;

    MetricsCommand(String command, Duration timeout) {
        this.command = command;
        this.timeout = timeout;
    }

    /**
     * One sample; {@code place} is added to the command's environment: {@code HWP_VM_ID}, {@code HWP_ALLOCATION_ID},
     * {@code HWP_PERSONALITY_ID}, {@code HWP_DEVICE_ID}, {@code HWP_REGION_ID} of the allocation the VM runs on.
     */
    Sample sample(Map<String, String> place) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of("/bin/sh", "-c", command));
        builder.environment().putAll(place);
        Process p = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                return in.readNBytes(1 << 20);
            } catch (IOException e) {
                return new byte[0];
            }
        });
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("the metrics command took longer than " + timeout.toSeconds() + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("the metrics command exited with " + p.exitValue());
            }
            String text = new String(output.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            try {
                return MetricsParser.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("the metrics output could not be read");
        }
    }
}
