package org.hwpersonality.rest.internal;

import java.io.IOException;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.Cookie;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpServletResponseWrapper;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.Preprocessor;

/**
 * Every cookie a servlet of the HTTP server sets (the web console's own: its locale, its logout marker) is
 * {@code HttpOnly}, {@code SameSite=Strict}, and {@code Secure} when the request came over TLS, as the session cookie is
 * by Pax Web's configuration (etc/org.ops4j.pax.web.cfg). A whiteboard {@link Preprocessor}, so it covers every
 * context. Servlet 4 has no SameSite attribute: Jetty 9.4 takes it from the cookie's comment
 * ({@code __SAME_SITE_STRICT__}, {@code org.eclipse.jetty.http.HttpCookie.SAME_SITE_STRICT_COMMENT}); a cookie that
 * names its own SameSite keeps it.
 */
// Named: Pax Web registers unnamed preprocessors under one default name, and only the first of them.
@Component(service = Preprocessor.class, property = "osgi.http.whiteboard.filter.name=hwp-cookie-attributes")
public class CookieAttributes implements Preprocessor {
    static final String SAME_SITE_STRICT = "__SAME_SITE_STRICT__";
    private static final String SAME_SITE = "__SAME_SITE_";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (response instanceof HttpServletResponse http) {
            boolean tls = request.isSecure();
            chain.doFilter(request, new HttpServletResponseWrapper(http) {
                @Override
                public void addCookie(Cookie cookie) {
                    super.addCookie(restricted(cookie, tls));
                }
            });
        } else {
            chain.doFilter(request, response);
        }
    }

    /** {@code cookie} made HttpOnly, SameSite=Strict unless it names its own, and Secure over TLS. */
    static Cookie restricted(Cookie cookie, boolean tls) {
        cookie.setHttpOnly(true);
        if (tls) {
            cookie.setSecure(true);
        }
        String comment = cookie.getComment();
        if (comment == null || comment.isEmpty()) {
            cookie.setComment(SAME_SITE_STRICT);
        } else if (!comment.contains(SAME_SITE)) {
            cookie.setComment(comment + SAME_SITE_STRICT);
        }
        return cookie;
    }
}
