package org.hwpersonality.rest.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;

/**
 * Refuses (403) a state-changing request that a browser sent from a page of another site. An administrator logged
 * into the web console holds Basic credentials that the browser also sends to the API, so a page elsewhere could
 * otherwise make the browser register VMs or drain devices. A browser names the page's origin in {@code Origin} on
 * every such request: it must be the API's own (scheme, host and port of the request as this server sees it, the
 * host from {@code Host}) or one the operator allowed. A request without {@code Origin} does not come from a page
 * and is allowed (curl, the agent, scripts). {@code Sec-Fetch-Site: cross-site} is refused unless the origin is
 * allowed. Safe methods (GET, HEAD, OPTIONS) change nothing and are not checked.
 */
final class CrossSiteCheck {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final Set<String> allowed;

    /**
     * @param allowedOrigins origins such as {@code https://portal.example.com:8443} whose pages may change things
     *     (an entry may list several, separated by commas or spaces)
     * @throws IllegalArgumentException naming an entry that is not an origin
     */
    CrossSiteCheck(String... allowedOrigins) {
        Set<String> origins = new LinkedHashSet<>();
        for (String entry : allowedOrigins) {
            // A .cfg file gives one string: origins there are separated by commas or spaces.
            for (String item : entry == null ? new String[0] : entry.split("[,\\s]+")) {
                if (item.isEmpty()) {
                    continue;
                }
                String origin = item.endsWith("/") ? item.substring(0, item.length() - 1) : item;
                origins.add(normalize(origin)
                        .orElseThrow(() -> new IllegalArgumentException("allowedOrigins: '" + item
                                + "' is not an origin (http or https://host[:port], no path)")));
            }
        }
        this.allowed = Set.copyOf(origins);
    }

    /** The allowed origins, normalized ({@code scheme://host:port}). */
    Set<String> allowed() {
        return allowed;
    }

    /**
     * Refuses the request if it may change something and a browser sent it from a page of another origin.
     *
     * @param method the HTTP method
     * @param origin the {@code Origin} header, or null
     * @param fetchSite the {@code Sec-Fetch-Site} header, or null
     * @param scheme, host, port where the request went, as the server sees it
     */
    void check(String method, String origin, String fetchSite, String scheme, String host, int port) {
        if (SAFE.contains(method)) {
            return;
        }
        Optional<String> from = origin == null ? Optional.empty() : normalize(origin.trim());
        boolean allowedOrigin = from.isPresent() && allowed.contains(from.get());
        if (fetchSite != null && fetchSite.trim().equalsIgnoreCase("cross-site") && !allowedOrigin) {
            throw refused("Sec-Fetch-Site: cross-site: a page of another site may not change anything here");
        }
        if (origin == null || allowedOrigin) {
            return;
        }
        String own = scheme.toLowerCase(Locale.ROOT) + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
        if (from.isEmpty() || !from.get().equals(own)) {
            throw refused("Origin: '" + printable(origin) + "' is neither this API's origin (" + own
                    + ") nor an allowed one; a page of another origin may not change anything here");
        }
    }

    /** {@code scheme://host:port} with the default port made explicit, if {@code text} is an http(s) origin. */
    static Optional<String> normalize(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            int defaultPort = switch (scheme) {
                case "http" -> 80;
                case "https" -> 443;
                default -> -1;
            };
            if (defaultPort < 0
                    || uri.getHost() == null
                    || uri.getRawUserInfo() != null
                    || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                return Optional.empty();
            }
            int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
            return Optional.of(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static HwpException refused(String message) {
        return new HwpException(ErrorCode.FORBIDDEN, message);
    }

    private static String printable(String text) {
        String cut = text.length() > 100 ? text.substring(0, 100) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
