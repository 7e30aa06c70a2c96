package org.hwpersonality.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import javax.security.auth.Subject;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.junit.jupiter.api.Test;

class LoginCacheTest {
    private static final long SECOND = 1_000_000_000L;

    private static Subject subject(String user) {
        return new Subject(false, Set.of(new UserPrincipal(user)), Set.of(), Set.of());
    }

    @Test
    void aSuccessIsFoundUntilItsTtlRunsOut() {
        LoginCache cache = new LoginCache(60, 10);
        String key = cache.keyOf("karaf:secret");
        Subject karaf = subject("karaf");
        cache.remember(key, karaf, 0);

        assertThat(cache.find(key, 59 * SECOND)).containsSame(karaf);
        assertThat(karaf.isReadOnly())
                .as("shared between requests, so nobody may change it")
                .isTrue();
        assertThat(cache.find(key, 60 * SECOND)).as("expired").isEmpty();
        assertThat(cache.size()).as("an expired entry is dropped when met").isZero();
    }

    @Test
    void theKeyIsAKeyedHashNeverThePasswordAndDiffersPerPasswordAndPerProcess() {
        LoginCache cache = new LoginCache(60, 10);
        String key = cache.keyOf("karaf:secret");
        assertThat(key).hasSize(64).matches("[0-9a-f]+").doesNotContain("secret");
        assertThat(cache.keyOf("karaf:secret")).isEqualTo(key);
        assertThat(cache.keyOf("karaf:secret2")).isNotEqualTo(key);
        assertThat(cache.keyOf("karaf2:secret")).isNotEqualTo(key);
        assertThat(new LoginCache(60, 10).keyOf("karaf:secret"))
                .as("another process (another random key) has other keys")
                .isNotEqualTo(key);
    }

    @Test
    void onlyWhatWasRememberedIsFound() {
        LoginCache cache = new LoginCache(60, 10);
        cache.remember(cache.keyOf("karaf:secret"), subject("karaf"), 0);
        assertThat(cache.find(cache.keyOf("karaf:wrong"), SECOND))
                .as("a failed login is never stored, so another password finds nothing")
                .isEmpty();
        assertThat(cache.find(cache.keyOf("other:secret"), SECOND)).isEmpty();
    }

    @Test
    void theLeastRecentlyUsedGoesWhenFull() {
        LoginCache cache = new LoginCache(60, 3);
        for (int i = 0; i < 3; i++) {
            cache.remember(cache.keyOf("u" + i + ":p"), subject("u" + i), 0);
        }
        assertThat(cache.find(cache.keyOf("u0:p"), SECOND))
                .as("u0 used: now the most recent")
                .isPresent();
        cache.remember(cache.keyOf("u3:p"), subject("u3"), 2 * SECOND);

        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.find(cache.keyOf("u1:p"), 3 * SECOND))
                .as("least recently used")
                .isEmpty();
        assertThat(cache.find(cache.keyOf("u0:p"), 3 * SECOND)).isPresent();
        assertThat(cache.find(cache.keyOf("u2:p"), 3 * SECOND)).isPresent();
        assertThat(cache.find(cache.keyOf("u3:p"), 3 * SECOND)).isPresent();
    }

    @Test
    void aShorterTtlOrSizeAppliesToWhatIsAlreadyStoredAndZeroTurnsItOff() {
        LoginCache cache = new LoginCache(60, 10);
        for (int i = 0; i < 5; i++) {
            cache.remember(cache.keyOf("u" + i + ":p"), subject("u" + i), 0);
        }
        cache.configure(10, 2);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.find(cache.keyOf("u4:p"), 11 * SECOND))
                .as("stored for 60 s, but the TTL is 10 s now")
                .isEmpty();

        cache.configure(0, 10);
        cache.remember(cache.keyOf("u9:p"), subject("u9"), 0);
        assertThat(cache.find(cache.keyOf("u9:p"), 0)).isEmpty();
    }
}
