package org.hwpersonality.rest.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
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

    final HttpServletRequest request;
    final HttpServletResponse response;
    final Caller caller;
    private final Map<String, String> parameters;
    private final ObjectMapper json;

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

    /** A query parameter, if given (and not blank); at most 256 characters. */
    Optional<String> query(String name) {
        String[] values = request.getParameterValues(name);
        if (values == null || values.length == 0 || values[0].isBlank()) {
            return Optional.empty();
        }
        if (values.length > 1) {
            throw new ValidationException(name, "must be given once");
        }
        if (values[0].length() > 256) {
            throw new ValidationException(name, "must be at most 256 characters");
        }
        return Optional.of(values[0]);
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
            throw new ValidationException(name, "must be a whole number (was '" + text.get() + "')");
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
            throw new ValidationException("$", e.getMessage());
        }
    }

    /** A value of the API as a JSON tree. */
    JsonNode convertBack(Object value) {
        return json.valueToTree(value);
    }

    private byte[] body() throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > MAX_JSON_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_JSON_BYTES + 1);
            if (bytes.length > MAX_JSON_BYTES) {
                throw tooLarge();
            }
            return bytes;
        }
    }

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
