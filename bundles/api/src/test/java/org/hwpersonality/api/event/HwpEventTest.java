package org.hwpersonality.api.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hwpersonality.api.Rejections.assertRejected;
import static org.hwpersonality.api.Samples.T0;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HwpEventTest {
    @Test
    void topicsLiveUnderTheHwpPrefix() {
        String topic = HwpEvent.topic("allocation", "ACTIVE");
        assertThat(topic).isEqualTo("org/hwpersonality/allocation/ACTIVE");
        assertThat(new HwpEvent(1, T0, topic, "a-1", "karaf", Map.of("region", "0")).details())
                .containsEntry("region", "0");
    }

    @Test
    void eventRules() {
        assertRejected(
                () -> new HwpEvent(-1, T0, "org/hwpersonality/x", "a", "karaf", Map.of()), "sequence", "zero or more");
        assertRejected(
                () -> new HwpEvent(1, T0, "org/other/x", "a", "karaf", Map.of()), "topic", "under org/hwpersonality/");
        assertRejected(
                () -> new HwpEvent(1, T0, "org/hwpersonality/", "a", "karaf", Map.of()),
                "topic",
                "under org/hwpersonality/");
        assertRejected(() -> new HwpEvent(1, null, "org/hwpersonality/x", "a", "karaf", Map.of()), "at", "is required");
        assertRejected(() -> new HwpEvent(1, T0, "org/hwpersonality/x", "a", "", Map.of()), "actor", "blank");
        assertRejected(
                () -> new HwpEvent(1, T0, "org/hwpersonality/x", "a b", "karaf", Map.of()), "subjectId", "letters");
    }
}
