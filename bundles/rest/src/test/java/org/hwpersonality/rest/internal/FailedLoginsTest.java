package org.hwpersonality.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FailedLoginsTest {
    private static final long SECOND = 1_000_000_000L;
    private static final FailedLogins.Limits LIMITS = new FailedLogins.Limits(3, 1, 16, 900, 100);

    @Test
    void theFreeFailuresCostNothingThenTheWaitDoublesUpToItsLongest() {
        FailedLogins logins = new FailedLogins(LIMITS);
        long now = 0;
        long[] waits = new long[10];
        for (int i = 0; i < waits.length; i++) {
            waits[i] = logins.failed("10.0.0.1", now);
            now += waits[i] * SECOND; // the client waits as told, then fails again
            assertThat(logins.retryAfterSeconds("10.0.0.1", now)).isZero();
        }
        assertThat(waits).containsExactly(0, 0, 0, 1, 2, 4, 8, 16, 16, 16);
    }

    @Test
    void whileASourceWaitsItIsToldHowLong() {
        FailedLogins logins = new FailedLogins(LIMITS);
        for (int i = 0; i < 4; i++) {
            logins.failed("10.0.0.1", 0);
        }
        assertThat(logins.retryAfterSeconds("10.0.0.1", 0)).isEqualTo(1);
        logins.failed("10.0.0.1", 0);
        assertThat(logins.retryAfterSeconds("10.0.0.1", 0)).isEqualTo(2);
        assertThat(logins.retryAfterSeconds("10.0.0.1", SECOND / 2))
                .as("rounded up, never 0 while waiting")
                .isEqualTo(2);
        assertThat(logins.retryAfterSeconds("10.0.0.1", 2 * SECOND)).isZero();
    }

    @Test
    void eachSourceIsCountedOnItsOwn() {
        FailedLogins logins = new FailedLogins(LIMITS);
        for (int i = 0; i < 6; i++) {
            logins.failed("10.0.0.1", 0);
        }
        assertThat(logins.retryAfterSeconds("10.0.0.1", 0)).isPositive();
        assertThat(logins.retryAfterSeconds("10.0.0.2", 0))
                .as("another source is not held up")
                .isZero();
        assertThat(logins.failed("10.0.0.2", 0)).isZero();
        assertThat(logins.failures("10.0.0.1", 0)).isEqualTo(6);
        assertThat(logins.failures("10.0.0.2", 0)).isEqualTo(1);
    }

    @Test
    void aSourceIsForgottenAfterItsLastFailureButNotWhileItWaits() {
        FailedLogins logins = new FailedLogins(new FailedLogins.Limits(0, 1000, 1000, 60, 100));
        logins.failed("10.0.0.1", 0);
        assertThat(logins.retryAfterSeconds("10.0.0.1", 61 * SECOND))
                .as("still waiting: a long wait outlives the forgetting time")
                .isEqualTo(939);
        assertThat(logins.failures("10.0.0.1", 1001 * SECOND)).isZero();

        FailedLogins free = new FailedLogins(LIMITS);
        free.failed("10.0.0.2", 0);
        free.failed("10.0.0.2", 0);
        assertThat(free.failures("10.0.0.2", 899 * SECOND)).isEqualTo(2);
        assertThat(free.failures("10.0.0.2", 900 * SECOND)).isZero();
    }

    @Test
    void atMostMaxSourcesAreKeptTheOldestFailureGoingFirst() {
        FailedLogins logins = new FailedLogins(new FailedLogins.Limits(0, 60, 60, 900, 3));
        logins.failed("a", 0);
        logins.failed("b", SECOND);
        logins.failed("c", 2 * SECOND);
        logins.failed("a", 3 * SECOND); // a's last failure is now the newest
        logins.failed("d", 4 * SECOND);

        assertThat(logins.size()).isEqualTo(3);
        assertThat(logins.failures("b", 5 * SECOND))
                .as("evicted: oldest last failure")
                .isZero();
        assertThat(logins.failures("a", 5 * SECOND)).isEqualTo(2);
        assertThat(logins.failures("c", 5 * SECOND)).isEqualTo(1);
        assertThat(logins.failures("d", 5 * SECOND)).isEqualTo(1);

        for (int i = 0; i < 10_000; i++) {
            logins.failed("x" + i, 6 * SECOND);
        }
        assertThat(logins.size()).isEqualTo(3);
    }

    @Test
    void limitsOutOfRangeAreRefused() {
        assertThatThrownBy(() -> new FailedLogins.Limits(-1, 1, 1, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("freeFailures");
        assertThatThrownBy(() -> new FailedLogins.Limits(1, 10, 5, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxWaitSeconds");
        assertThatThrownBy(() -> new FailedLogins.Limits(1, 1, 1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anIpv6SourceIsItsSlash64AndAnIpv4OneItsAddress() {
        assertThat(LoginThrottle.source("2001:db8:1:2:aaaa:bbbb:cccc:dddd"))
                .isEqualTo(LoginThrottle.source("2001:db8:1:2::1"))
                .isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(LoginThrottle.source("2001:db8:1:3::1")).isNotEqualTo(LoginThrottle.source("2001:db8:1:2::1"));
        assertThat(LoginThrottle.source("192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(LoginThrottle.source("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(LoginThrottle.source(null)).isEqualTo("unknown");
    }
}
