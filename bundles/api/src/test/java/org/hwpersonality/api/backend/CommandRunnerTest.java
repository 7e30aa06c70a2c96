package org.hwpersonality.api.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandRunnerTest {
    private final CommandRunner runner = new CommandRunner();

    @Test
    void capturesOutputAndExitCode() {
        CommandRunner.Result ok =
                runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));
        assertThat(ok.exitCode()).isEqualTo(3);
        assertThat(ok.stdout()).isEqualTo("out\n");
        assertThat(ok.stderr()).isEqualTo("err\n");
        assertThat(runner.check(List.of("echo", "a b", "c"), Duration.ofSeconds(10))
                        .stdout())
                .isEqualTo("a b c\n");
    }

    @Test
    void argumentsAreNotInterpretedByAShell() {
        assertThat(runner.check(List.of("echo", "$(id); rm -rf /"), Duration.ofSeconds(10))
                        .stdout())
                .isEqualTo("$(id); rm -rf /\n");
    }

    @Test
    void aFailedToolIsADeviceErrorQuotingIt() {
        assertThatThrownBy(() -> runner.check(
                        List.of("sh", "-c", "echo 'ERROR: Device not found' >&2; exit 1"), Duration.ofSeconds(10)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("exited with 1: ERROR: Device not found")
                .extracting(e -> ((BackendException) e).kind())
                .isEqualTo(BackendException.Kind.DEVICE_ERROR);
        assertThatThrownBy(() -> runner.run(List.of("/nonexistent/xbutil", "examine"), Duration.ofSeconds(10)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("cannot run /nonexistent/xbutil");
    }

    @Test
    void aToolPastItsDeadlineIsKilledWithItsChildren() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> runner.run(List.of("sh", "-c", "sleep 30 & sleep 30"), Duration.ofMillis(300)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("did not finish within 300 ms")
                .extracting(e -> ((BackendException) e).kind())
                .isEqualTo(BackendException.Kind.TIMEOUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void outputIsBounded() {
        CommandRunner.Result big = runner.run(List.of("sh", "-c", "head -c 3000000 /dev/zero"), Duration.ofSeconds(20));
        assertThat(big.exitCode()).isZero();
        assertThat(big.stdout().length()).isEqualTo(CommandRunner.MAX_OUTPUT);
    }
}
