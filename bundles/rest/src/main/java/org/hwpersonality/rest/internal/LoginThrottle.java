package org.hwpersonality.rest.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Map;
import java.util.logging.Logger;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpServletResponseWrapper;
import org.hwpersonality.json.HwpJson;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.http.whiteboard.Preprocessor;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Throttles password and token guessing on every path of the HTTP server, the API ({@code /hwp/api/v1}, Basic and
 * Bearer alike) and the web console ({@code /system/console}, which logs in through Karaf's own code) alike: a request
 * that carries an {@code Authorization} header and is answered 401 counts as a failed login of its source address
 * ({@link FailedLogins}); a source past its free failures gets 429 {@code TOO_MANY_REQUESTS} with {@code Retry-After}
 * for a growing time, without its credentials being checked. No server thread waits: the client is told when to come
 * back. A whiteboard {@link Preprocessor}: it runs before any context's own security check (the console's), which an
 * ordinary filter would follow.
 *
 * <p>The source is the address of the TCP peer (a proxy in front of HWP is one source for all its clients); for IPv6,
 * its /64 network, since one host commonly holds a whole /64. Also configures the login cache ({@link LoginCache}).
 */
// Named: Pax Web registers unnamed preprocessors under one default name, and only the first of them.
@Component(
        service = Preprocessor.class,
        configurationPid = LoginThrottle.PID,
        property = {"osgi.http.whiteboard.filter.name=hwp-login-throttle", "service.ranking:Integer=100"})
@Designate(ocd = LoginThrottle.Config.class)
public class LoginThrottle implements Preprocessor {
    static final String PID = "org.hwpersonality.rest.login";
    /** The error code of a 429 in the JSON error form. */
    static final String TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS";

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class.getName());

    /** Limits on password and token guessing, and the login cache. */
    @ObjectClassDefinition(
            name = "HWP login throttle",
            description =
                    "Failed logins on the HTTP server (API: Basic and Bearer; web console) per source address, and the cache of"
                            + " successful Basic logins. See docs/security.md.")
    public @interface Config {
        @AttributeDefinition(
                name = "Free failures",
                description = "Failed logins a source may make before it has to wait (default 5).")
        int freeFailures() default 5;

        @AttributeDefinition(
                name = "First wait (s)",
                description = "Seconds a source waits after its first failure past the free ones; doubled with each"
                        + " further failure (default 1).")
        long firstWaitSeconds() default 1;

        @AttributeDefinition(name = "Longest wait (s)", description = "The wait grows to at most this (default 300).")
        long maxWaitSeconds() default 300;

        @AttributeDefinition(
                name = "Forget after (s)",
                description = "A source's failures are forgotten this long after its last one (default 900).")
        long forgetSeconds() default 900;

        @AttributeDefinition(
                name = "Sources kept",
                description = "At most this many sources are remembered; the one whose last failure is oldest is"
                        + " dropped first (default 10000, about 1 MB).")
        int maxSources() default 10_000;

        @AttributeDefinition(
                name = "Login cache (s)",
                description = "A successful Basic login is remembered this long (0: never); a user removed or given"
                        + " another password or role takes effect within it (default 60).")
        long loginCacheSeconds() default LoginCache.DEFAULT_TTL_SECONDS;

        @AttributeDefinition(
                name = "Logins cached",
                description = "At most this many logins are remembered, least recently used dropped first"
                        + " (default 1000).")
        int loginCacheSize() default LoginCache.DEFAULT_MAX_ENTRIES;
    }

    private final ObjectMapper json = HwpJson.newJsonMapper().disable(SerializationFeature.INDENT_OUTPUT);
    private volatile FailedLogins failed;

    @Activate
    public LoginThrottle(Config config) {
        modified(config);
    }

    /**
     * Takes new limits; limits out of range change nothing (the shipped defaults at activation): an error in the file
     * must not turn the throttle off.
     */
    @Modified
    void modified(Config config) {
        FailedLogins.Limits limits;
        try {
            limits = new FailedLogins.Limits(
                    config.freeFailures(),
                    config.firstWaitSeconds(),
                    config.maxWaitSeconds(),
                    config.forgetSeconds(),
                    config.maxSources());
            if (config.loginCacheSeconds() < 0 || config.loginCacheSize() < 0) {
                throw new IllegalArgumentException("loginCacheSeconds and loginCacheSize must not be negative");
            }
        } catch (IllegalArgumentException e) {
            LOG.severe("etc/" + PID + ".cfg is ignored: " + e.getMessage()
                    + (failed == null ? "; the defaults apply" : "; the previous limits stay"));
            if (failed == null) {
                failed = new FailedLogins(DEFAULTS);
            }
            return;
        }
        // New limits start from a clean slate: the counts were made under the old ones.
        failed = new FailedLogins(limits);
        Authenticator.CACHE.configure(config.loginCacheSeconds(), config.loginCacheSize());
    }

    /** The limits of {@link Config}'s defaults. */
    static final FailedLogins.Limits DEFAULTS = new FailedLogins.Limits(5, 1, 300, 900, 10_000);

    FailedLogins.Limits limits() {
        return failed.limits();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (request.getHeader("Authorization") == null) {
            chain.doFilter(request, response);
            return;
        }
        FailedLogins logins = failed;
        String source = source(request.getRemoteAddr());
        long wait = logins.retryAfterSeconds(source, System.nanoTime());
        if (wait > 0) {
            tooManyRequests(response, wait);
            return;
        }
        chain.doFilter(request, new FailureCounting(response, logins, source));
    }

    /**
     * Counts a 401 as a failed login of its source when the status is set, before any of the answer can reach the
     * client: a client that sends its next guess as soon as it reads the 401 finds the failure counted.
     */
    private static final class FailureCounting extends HttpServletResponseWrapper {
        private final FailedLogins logins;
        private final String source;
        private boolean counted;

        FailureCounting(HttpServletResponse response, FailedLogins logins, String source) {
            super(response);
            this.logins = logins;
            this.source = source;
        }

        private void status(int status) {
            if (status == HttpServletResponse.SC_UNAUTHORIZED && !counted) {
                counted = true;
                long next = logins.failed(source, System.nanoTime());
                if (next > 0) {
                    LOG.warning(() -> "Failed login from " + source + ": it waits " + next + " s before the next try");
                }
            }
        }

        @Override
        public void setStatus(int status) {
            status(status);
            super.setStatus(status);
        }

        @Override
        public void sendError(int status) throws IOException {
            status(status);
            super.sendError(status);
        }

        @Override
        public void sendError(int status, String message) throws IOException {
            status(status);
            super.sendError(status, message);
        }
    }

    private void tooManyRequests(HttpServletResponse response, long seconds) throws IOException {
        response.setStatus(429);
        response.setHeader("Retry-After", String.valueOf(seconds));
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        json.writeValue(
                response.getOutputStream(),
                Map.of(
                        "error",
                        TOO_MANY_REQUESTS,
                        "message",
                        "too many failed logins from this address: try again in " + seconds + " s"));
    }

    /** The throttled unit for a peer address: the address itself, or for IPv6 its /64 network. */
    static String source(String remoteAddress) {
        if (remoteAddress == null) {
            return "unknown";
        }
        if (remoteAddress.indexOf(':') < 0) {
            return remoteAddress;
        }
        try {
            // A literal: no name is looked up.
            InetAddress address = InetAddress.getByName(remoteAddress);
            if (address instanceof Inet6Address) {
                byte[] network = Arrays.copyOf(address.getAddress(), 16);
                Arrays.fill(network, 8, 16, (byte) 0);
                return InetAddress.getByAddress(network).getHostAddress() + "/64";
            }
            return address.getHostAddress();
        } catch (UnknownHostException e) {
            return remoteAddress;
        }
    }
}
