package org.hwpersonality.api.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.PerformanceFigures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadCommandTest {
    @TempDir
    Path dir;

    /** A benchmark script that prints its arguments' figures as a real one would, plus chatter. */
    private WorkloadCommand bench(String body) throws Exception {
        Path script = dir.resolve("bench.sh");
        Files.writeString(script, "#!/bin/bash\necho \"$*\" > '" + dir.resolve("args") + "'\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return WorkloadCommand.of(script + " --kind {workload} --card {device} --slot {region}", Duration.ofSeconds(10))
                .orElseThrow();
    }

    @Test
    void runsTheConfiguredLineAndReadsItsFigures() throws Exception {
        WorkloadCommand command = bench("echo 'warming up'; echo throughputGops=41.5; echo 'latencyUs = 152.25'");

        WorkloadCommand.Measured m = command.run("compression", "0000:3b:00.1", "0");

        assertThat(Files.readString(dir.resolve("args")).strip())
                .isEqualTo("--kind compression --card 0000:3b:00.1 --slot 0");
        assertThat(m).isEqualTo(new WorkloadCommand.Measured(41.5, 152.25, Optional.empty()));
        assertThat(m.figures(Optional.of(44.0), "d")).isEqualTo(new PerformanceFigures(41.5, 152.25, 44.0));
        assertThatThrownBy(() -> m.figures(Optional.empty(), "0000:3b:00.1"))
                .hasMessageContaining("printed no powerWatts and device 0000:3b:00.1 reports no board power");
        assertThat(bench("echo throughputGops=1; echo latencyUs=2; echo powerWatts=30")
                        .run("w", "d", "0")
                        .figures(Optional.of(99.0), "d")
                        .powerWatts())
                .as("the command's own power wins")
                .isEqualTo(30.0);
    }

    @Test
    void failuresSayWhatWentWrong() throws Exception {
        assertThatThrownBy(() ->
                        bench("echo 'no card at 0000:3b:00.1' >&2; exit 3").run("w", "0000:3b:00.1", "0"))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("exited with 3: no card at 0000:3b:00.1");
        assertThatThrownBy(() -> bench("echo throughputGops=4").run("compression", "d", "0"))
                .hasMessageContaining("printed no latencyUs=… line");
        assertThatThrownBy(() ->
                        bench("echo throughputGops=fast; echo latencyUs=3").run("compression", "d", "0"))
                .hasMessageContaining("printed throughputGops=fast, which is not a figure");
        assertThat(WorkloadCommand.of("  ", Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void cardReadingsNameTheHottestSensor() {
        CardReadings r = new CardReadings(Optional.of(41.24), Map.of("fpga0", 63.0, "pcb_top_front", 41.0));
        assertThat(r.hottest()).contains(Map.entry("fpga0", 63.0));
        assertThat(r.describe()).isEqualTo("41.2 W, hottest fpga0 63.0 °C");
        assertThat(new CardReadings(Optional.empty(), Map.of()).describe()).isEqualTo("power not reported");
        assertThat(List.of(r)).isNotEmpty();
    }
}
