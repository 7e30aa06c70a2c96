package org.hwpersonality.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    /** A configuration as DS makes it: the given values, the defaults for the rest. */
    private static LoginThrottle.Config config(Map<String, Object> values) {
        return (LoginThrottle.Config) Proxy.newProxyInstance(
                LoginThrottle.Config.class.getClassLoader(),
                new Class<?>[] {LoginThrottle.Config.class},
                (proxy, method, args) -> values.getOrDefault(method.getName(), method.getDefaultValue()));
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        assertThat(new LoginThrottle(config(Map.of())).limits()).isEqualTo(LoginThrottle.DEFAULTS);
    }

    @Test
    void limitsOutOfRangeChangeNothingAndNeverTurnTheThrottleOff() {
        LoginThrottle throttle = new LoginThrottle(config(Map.of("freeFailures", -1)));
        assertThat(throttle.limits()).as("at activation: the defaults").isEqualTo(LoginThrottle.DEFAULTS);

        throttle.modified(config(Map.of("freeFailures", 2)));
        assertThat(throttle.limits().freeFailures()).isEqualTo(2);
        throttle.modified(config(Map.of("maxSources", 0)));
        assertThat(throttle.limits().freeFailures())
                .as("the previous limits stay")
                .isEqualTo(2);
        throttle.modified(config(Map.of("loginCacheSeconds", -5L)));
        assertThat(throttle.limits().freeFailures()).isEqualTo(2);
    }
}
