package org.hwpersonality.webconsole.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.hwpersonality.api.HwpException;

/**
 * One HWP page of the Felix Web Console. The console decorates GET answers with its header and menu and hands
 * other methods to the page unchanged: a POST performs one action and redirects back with its outcome
 * (post/redirect/get), so reloading never repeats it. The console's JAAS login (role {@code admin}) guards every
 * page; a POST must also come from the console's own origin.
 */
abstract class Page extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(Page.class.getName());

    /** The content of the page, under the console's header. */
    protected abstract void render(HttpServletRequest request, Html html) throws IOException;

    /** Performs a posted action; returns what to tell the user. */
    protected abstract String act(String action, HttpServletRequest request, String actor) throws IOException;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/html;charset=UTF-8");
        Html html = new Html(response.getWriter());
        html.flash(request.getParameter("done"), request.getParameter("error"));
        try {
            render(request, html);
        } catch (HwpException e) {
            html.flash(null, e.getMessage());
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!sameOrigin(request)) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "cross-site request refused");
            return;
        }
        String action = request.getParameter("action");
        String outcome;
        String kind;
        try {
            outcome = act(action == null ? "" : action, request, actor(request));
            kind = "done";
        } catch (HwpException e) {
            outcome = e.getMessage();
            kind = "error";
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Web console action " + action + " failed", e);
            // The exception's own text (class names, internals) stays in the log; the user is told where it is.
            outcome = "the action failed; the server log has the details";
            kind = "error";
        }
        response.sendRedirect(
                request.getRequestURI() + "?" + kind + "=" + URLEncoder.encode(outcome, StandardCharsets.UTF_8));
    }

    /** Who acts, for the audit trail. */
    private static String actor(HttpServletRequest request) {
        String user = request.getRemoteUser();
        return "webconsole:" + (user == null ? "admin" : user);
    }

    /** The Origin (or else the Referer) names this host: the form was posted from the console itself. */
    private static boolean sameOrigin(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null || origin.equals("null")) {
            origin = request.getHeader("Referer");
        }
        if (origin == null) {
            return false;
        }
        try {
            URI u = URI.create(origin);
            String host = request.getHeader("Host");
            return host != null && host.equalsIgnoreCase(u.getRawAuthority());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String param(HttpServletRequest request, String name) {
        String v = request.getParameter(name);
        if (v == null || v.isBlank()) {
            throw new org.hwpersonality.api.ValidationException(name, "is required");
        }
        return v.trim();
    }
}
