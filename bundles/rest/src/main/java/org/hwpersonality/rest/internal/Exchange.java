package org.hwpersonality.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.json.HwpJson;

/** One HTTP call as a route sees it: path and query parameters, the caller, the body, and the answer. */
final class Exchange {
    /** Largest JSON body accepted (1 MiB); uploads of images and packages stream instead. */
    static final int MAX_JSON_BYTES = 1 << 20;

    private static final Logger LOG = Logger.getLogger(Exchange.class.getName());

    final HttpServletRequest request;
    final HttpServletResponse response;
    final Caller caller;
    private final Map<String, String> parameters;
    private final ObjectMapper json;
    private Map<String, List<String>> query;

    Exchange(
            HttpServletRequest request,
            HttpServletResponse response,
            Caller caller,
            Map<String, String> parameters,
            ObjectMapper json) {
        this.request = request;
        this.response = response;
        this.caller = caller;
        this.parameters = parameters;
        this.json = json;
    }

    /** A path parameter of the route's template. */
    String path(String name) {
        return parameters.get(name);
    }

    /**
     * A query parameter, if given (and not blank); at most 256 characters. Read from the query string only: the
     * servlet API's parameters would also read (and consume) a form-encoded body, which is an upload here.
     */
    Optional<String> query(String name) {
        List<String> values = queryParameters().getOrDefault(name, List.of());
        if (values.isEmpty() || values.get(0).isBlank()) {
            return Optional.empty();
        }
        if (values.size() > 1) {
            throw new ValidationException(name, "must be given once");
        }
        if (values.get(0).length() > 256) {
            throw new ValidationException(name, "must be at most 256 characters");
        }
        return Optional.of(values.get(0));
    }

    /** The names of the query parameters given. */
    java.util.Set<String> queryNames() {
        return queryParameters().keySet();
    }

    /** {@code true} or {@code false} (any case), or the default when absent; anything else is a 400. */
    boolean queryBoolean(String name, boolean defaultValue) {
        Optional<String> text = query(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        String value = text.get().trim();
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ValidationException(name, "must be true or false (was '" + printable(value) + "')");
    }

    /** An ID given as a query parameter (see {@link Route#ID}), if given. */
    Optional<String> queryId(String name, String what) {
        Optional<String> id = query(name);
        if (id.isPresent() && !Route.ID.matcher(id.get()).matches()) {
            throw new ValidationException(name, "must be " + what + " (letters, digits, '.', '_', ':', '-')");
        }
        return id;
    }

    private static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private Map<String, List<String>> queryParameters() {
        if (query == null) {
            Map<String, List<String>> parsed = new HashMap<>();
            String raw = request.getQueryString();
            if (raw != null && !raw.isEmpty()) {
                if (raw.length() > 8192) {
                    throw new ValidationException("query", "must be at most 8192 characters");
                }
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                    String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                    parsed.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
                }
            }
            query = parsed;
        }
        return query;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ValidationException("query", "is not properly percent-encoded");
        }
    }

    /** A whole-number query parameter within bounds, or the default. */
    int queryInt(String name, int defaultValue, int min, int max) {
        Optional<String> text = query(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.get().trim());
            if (value < min || value > max) {
                throw new ValidationException(name, "must lie between " + min + " and " + max + " (was " + value + ")");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ValidationException(name, "must be a whole number (was '" + printable(text.get()) + "')");
        }
    }

    /** The body as a JSON object (at most {@link #MAX_JSON_BYTES}). */
    ObjectNode jsonObject() throws IOException {
        byte[] bytes = body();
        if (bytes.length == 0) {
            throw new ValidationException("$", "a JSON object is required as the body");
        }
        JsonNode node;
        try {
            node = json.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw HwpJson.invalid(e);
        }
        if (node == null || !node.isObject()) {
            throw new ValidationException("$", "must be a JSON object");
        }
        return (ObjectNode) node;
    }

    /** A JSON tree read as a value of the API, with errors naming the field. */
    <T> T convert(JsonNode node, Class<T> type) {
        try {
            return json.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw HwpJson.invalid(e);
        } catch (IllegalArgumentException e) {
            if (e.getCause() instanceof JsonProcessingException j) {
                throw HwpJson.invalid(j);
            }
            // Not one of our validation messages: the text of a library's exception stays in the server log.
            LOG.log(Level.FINE, "Unreadable " + type.getSimpleName(), e);
            throw new ValidationException("$", "does not have the shape the OpenAPI document gives for this body");
        }
    }

    /** A value of the API as a JSON tree. */
    JsonNode convertBack(Object value) {
        return json.valueToTree(value);
    }

    /** The raw body of a JSON document (at most {@link #MAX_JSON_BYTES}; larger is a 413). */
    byte[] body() throws IOException {
        // A declared length is read exactly (one buffer of that size, not one of 8 KiB for a 60-byte request).
        long declared = request.getContentLengthLong();
        int limit = declared >= 0 && declared <= MAX_JSON_BYTES ? (int) declared : MAX_JSON_BYTES + 1;
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(limit);
            if (bytes.length > MAX_JSON_BYTES) {
                // Read on (up to a bound) so that the client, still sending, gets the answer instead of a reset.
                long skipped = 0;
                while (skipped < DRAIN_BYTES && in.read() >= 0) {
                    skipped += 1 + in.skip(DRAIN_BYTES - skipped);
                }
                throw tooLarge();
            }
            return bytes;
        }
    }

    /** How much of an oversized body is read and dropped before answering 413. */
    private static final long DRAIN_BYTES = 16L << 20;

    private static HwpException tooLarge() {
        return new PayloadTooLarge("the body is larger than " + MAX_JSON_BYTES + " bytes");
    }

    /** The raw body, for uploads. */
    InputStream stream() throws IOException {
        return request.getInputStream();
    }

    void send(int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), body);
    }

    void ok(Object body) throws IOException {
        send(HttpServletResponse.SC_OK, body);
    }

    void created(String location, Object body) throws IOException {
        response.setHeader("Location", location);
        send(HttpServletResponse.SC_CREATED, body);
    }

    /** 202: accepted, not done; {@code location} tells where to look again, one second from now. */
    void accepted(String location, Object body) throws IOException {
        response.setHeader("Location", location);
        response.setHeader("Retry-After", "1");
        send(HttpServletResponse.SC_ACCEPTED, body);
    }

    /** A 400 whose status is 415: the body is not of the media type the route declares. */
    static final class UnsupportedMediaType extends ValidationException {
        private static final long serialVersionUID = 1L;

        UnsupportedMediaType(String reason) {
            super("Content-Type", reason);
        }
    }

    /** A 400 whose status is 413: the body is too large. */
    static final class PayloadTooLarge extends ValidationException {
        private static final long serialVersionUID = 1L;

        PayloadTooLarge(String reason) {
            super("$", reason);
        }
    }

    static HwpException forbidden(String message) {
        return new HwpException(ErrorCode.FORBIDDEN, message);
    }
}
