package org.hwpersonality.rest.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import javax.servlet.RequestDispatcher;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.hwpersonality.api.ErrorCode;
import org.osgi.service.component.annotations.Component;

/**
 * The error page of the HTTP server's default context, for refusals the API servlet never sees: a path that leaves
 * {@code /hwp/api/v1} once decoded (an encoded {@code ..} such as {@code %2e%2e}, {@code ..%2f}), a method the
 * container itself refuses, an exception thrown by another servlet. Under {@code /hwp/api/} the answer is the API's
 * JSON error form; elsewhere (the web console …) one line of text. Either way it names no servlet, class or
 * exception, which the container's own page would.
 *
 * <p>Refusals made while the request line and headers are parsed (414 URI too long, 431 headers too large, a
 * malformed percent-encoding or a NUL in the path: 400) happen before any context is chosen; pax-web's whiteboard
 * error pages cannot cover them; the server's error handler answers them in the same JSON form
 * (org.hwpersonality.http.errors.JsonBadMessages, set by etc/hwp-https.xml).
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.errorPage=4xx",
            "osgi.http.whiteboard.servlet.errorPage=5xx",
            "osgi.http.whiteboard.servlet.errorPage=java.lang.Throwable",
            "osgi.http.whiteboard.servlet.name=hwp-error-page"
        })
public class ErrorPage extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final String API = "/hwp/api/";

    private final transient ObjectMapper json = new ObjectMapper();

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 && i <= 599 ? i : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri instanceof String s ? s : request.getRequestURI();
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        if (path != null && (path.startsWith(API) || path.equals("/hwp/api"))) {
            response.setContentType("application/json");
            json.writeValue(response.getOutputStream(), Map.of("error", code(status), "message", message(status)));
        } else {
            response.setContentType("text/plain");
            response.getWriter().write(status + " " + message(status) + "\n");
        }
    }

    /** The error code of the API's form for a status. */
    static String code(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED.name();
            case 403 -> ErrorCode.FORBIDDEN.name();
            case 404 -> ErrorCode.NOT_FOUND.name();
            case 409 -> ErrorCode.CONFLICT.name();
            case 503 -> "UNAVAILABLE";
            default -> status >= 500 ? "INTERNAL" : ErrorCode.INVALID_REQUEST.name();
        };
    }

    /** A fixed text per status: never the container's message, which may carry details. */
    static String message(int status) {
        return switch (status) {
            case 400 -> "the request is malformed";
            case 401 -> "credentials are required";
            case 403 -> "the request is not allowed";
            case 404 -> "no resource at this path (an encoded '..' is resolved before paths are matched)";
            case 405 -> "the method is not allowed here";
            case 413 -> "the request is too large";
            case 414 -> "the URI is too long";
            case 415 -> "the body's Content-Type is not accepted here";
            case 431 -> "the request's headers are too large";
            default -> status >= 500 ? "an unexpected failure; it is in the server log" : "the request is refused";
        };
    }
}
