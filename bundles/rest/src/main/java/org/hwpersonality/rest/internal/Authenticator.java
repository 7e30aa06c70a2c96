package org.hwpersonality.rest.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import javax.security.auth.Subject;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;

/**
 * HTTP Basic authentication against a Karaf JAAS realm; an administrator is a user with the {@code admin} role.
 * Successful logins are remembered for a short time ({@link LoginCache}, one per process, configured by {@link
 * LoginThrottle}): the realm checks bcrypt hashes, which cost about 100 ms of CPU each.
 */
final class Authenticator {
    static final String REALM = "karaf";
    static final String ADMIN_ROLE = "admin";
    /** The role of a user that may read {@code /metrics} and nothing else (a Prometheus scraper). */
    static final String METRICS_ROLE = "metrics";

    /** One cache per process: its key is made at random when this class loads. */
    static final LoginCache CACHE = new LoginCache(LoginCache.DEFAULT_TTL_SECONDS, LoginCache.DEFAULT_MAX_ENTRIES);

    private final LoginCache cache;

    Authenticator() {
        this(CACHE);
    }

    Authenticator(LoginCache cache) {
        this.cache = cache;
    }

    /** Who a request comes from, if its Basic credentials log in. */
    Optional<Subject> login(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String key = cache.keyOf(decoded);
        Optional<Subject> remembered = cache.find(key, System.nanoTime());
        if (remembered.isPresent()) {
            return remembered;
        }
        long started = System.nanoTime();
        String user = decoded.substring(0, colon);
        char[] password = decoded.substring(colon + 1).toCharArray();
        Subject subject = new Subject();
        try {
            LoginContext context = new LoginContext(REALM, subject, callbacks -> {
                for (var c : callbacks) {
                    if (c instanceof NameCallback n) {
                        n.setName(user);
                    } else if (c instanceof PasswordCallback p) {
                        p.setPassword(password);
                    } else {
                        throw new UnsupportedCallbackException(c);
                    }
                }
            });
            context.login();
            // Remembered from when the check began: a change to the user made during it is seen within the TTL.
            cache.remember(key, subject, started);
            return Optional.of(subject);
        } catch (LoginException e) {
            return Optional.empty();
        }
    }

    static boolean isAdmin(Subject subject) {
        return hasRole(subject, ADMIN_ROLE);
    }

    static boolean readsMetrics(Subject subject) {
        return hasRole(subject, METRICS_ROLE);
    }

    private static boolean hasRole(Subject subject, String role) {
        return subject.getPrincipals(RolePrincipal.class).stream().anyMatch(r -> role.equals(r.getName()));
    }
}
