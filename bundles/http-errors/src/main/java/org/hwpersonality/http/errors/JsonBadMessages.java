package org.hwpersonality.http.errors;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * The HTTP server's error handler (etc/hwp-https.xml sets it on Jetty's {@code Server}; Pax Web keeps a handler the
 * configuration set). Jetty asks it for the body of the requests it refuses before any context or servlet sees them:
 * a request line or URI too long (414), headers too large (431), a malformed request line, method, version or
 * percent-encoding (400). Its own answer is an HTML page with Jetty's reason; this one is the API's JSON error form,
 * {@code {"error":"INVALID_REQUEST","message":"…"}}, with a fixed text per status (no parser detail, no server name),
 * for every path: the request was not parsed far enough to know which. Errors inside contexts are the contexts' own
 * (the API's servlet and HWP's error page); this handler shows no servlet names or stacks for what reaches it.
 */
public class JsonBadMessages extends ErrorHandler {
    public JsonBadMessages() {
        setShowServlet(false);
        setShowStacks(false);
        setShowMessageInTitle(false);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields fields) {
        if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
            return ByteBuffer.allocate(0);
        }
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        fields.put(HttpHeader.CACHE_CONTROL, "no-store");
        return ByteBuffer.wrap(body(status).getBytes(StandardCharsets.UTF_8));
    }

    /** The JSON error body for a status Jetty refuses with while parsing. */
    static String body(int status) {
        String code = status >= 500 ? "INTERNAL" : "INVALID_REQUEST";
        return "{\"error\":\"" + code + "\",\"message\":\"" + message(status) + "\"}";
    }

    private static String message(int status) {
        return switch (status) {
            case 400 -> "the request is malformed";
            case 413 -> "the request is too large";
            case 414 -> "the URI is too long";
            case 431 -> "the request's headers are too large";
            case 505 -> "the HTTP version is not supported";
            default -> status >= 500 ? "the request could not be handled" : "the request is refused";
        };
    }
}
