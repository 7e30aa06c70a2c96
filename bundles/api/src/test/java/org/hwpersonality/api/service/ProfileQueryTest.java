package org.hwpersonality.api.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hwpersonality.api.Rejections.assertRejected;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProfileQueryTest {
    @Test
    void queryRules() {
        assertThat(ProfileQuery.ALL.includeRetired()).isTrue();
        assertRejected(
                () -> new ProfileQuery(Optional.of("ML"), Optional.empty(), false, 0, 10), "workload", "lower-case");
        assertRejected(
                () -> new ProfileQuery(Optional.empty(), Optional.of("X"), false, 0, 10), "vendor", "lower-case");
        assertRejected(
                () -> new ProfileQuery(Optional.empty(), Optional.empty(), false, -1, 10), "offset", "zero or more");
        assertRejected(
                () -> new ProfileQuery(Optional.empty(), Optional.empty(), false, 0, 0), "limit", "greater than zero");
        assertRejected(
                () -> new ProfileQuery(Optional.empty(), Optional.empty(), false, 0, 10_001), "limit", "at most");
    }
}
