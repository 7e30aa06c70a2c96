package org.hwpersonality.rest.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One operation of the API: an HTTP method, a path template such as {@code /allocations/{allocationId}}, who may
 * call it, what it does, the media type of its body (none for most) and the query parameters it reads. Path
 * parameters match one segment of ID characters; anything else is no match (404). A request whose body is not of
 * the declared type (415), or that names a query parameter the route does not read (400), is refused before the
 * route runs: a browser on another site can send {@code text/plain}, form or multipart bodies without asking first,
 * never {@code application/json}.
 */
record Route(
        String method,
        String template,
        Access access,
        String summary,
        Handler handler,
        String prefix,
        Pattern pattern,
        List<String> parameters,
        String body,
        Set<String> queryParameters) {
    /** What a route does with one exchange. */
    @FunctionalInterface
    interface Handler {
        void handle(Exchange exchange) throws Exception;
    }

    private static final Pattern PARAMETER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");
    /** What an ID of the API looks like: a path parameter, or an ID given as a query parameter. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private static final String SEGMENT = "(" + ID.pattern() + ")";

    /** The body of a route that reads a JSON document. */
    static final String JSON = "application/json";
    /** The body of an upload: the bytes of a file. */
    static final String OCTETS = "application/octet-stream";

    static Route of(String method, String template, Access access, String summary, Handler handler) {
        List<String> names = new ArrayList<>();
        StringBuilder regex = new StringBuilder();
        Matcher m = PARAMETER.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append(SEGMENT);
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        int brace = template.indexOf('{');
        return new Route(
                method,
                template,
                access,
                summary,
                handler,
                brace < 0 ? template : template.substring(0, brace),
                Pattern.compile(regex.toString()),
                List.copyOf(names),
                null,
                Set.of());
    }

    /** This route with a body of the given media type ({@link #JSON} or {@link #OCTETS}). */
    Route body(String mediaType) {
        return new Route(
                method, template, access, summary, handler, prefix, pattern, parameters, mediaType, queryParameters);
    }

    /** This route reading the given query parameters (any other is refused). */
    Route query(String... names) {
        return new Route(method, template, access, summary, handler, prefix, pattern, parameters, body, Set.of(names));
    }

    /**
     * Refuses (415) a request whose body does not fit this route: a route with a body takes only its media type
     * ({@code application/json} in UTF-8 if a charset is named); a route without one takes no body at all.
     *
     * @param contentType the request's {@code Content-Type}, or null
     * @param hasBody whether the request carries a body (a positive length, or chunks)
     */
    void checkBody(String contentType, boolean hasBody) {
        if (body == null) {
            if (hasBody) {
                throw new Exchange.UnsupportedMediaType(method + " " + template + " takes no body");
            }
            return;
        }
        if (contentType == null || contentType.isBlank()) {
            throw new Exchange.UnsupportedMediaType("must be " + body + " (none was given)");
        }
        String[] parts = contentType.split(";");
        String type = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!type.equals(body)) {
            throw new Exchange.UnsupportedMediaType("must be " + body + " (was " + printable(type) + ")");
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
            if (parameter.startsWith("charset=")) {
                String charset = parameter.substring(8).replace("\"", "");
                if (!charset.equals("utf-8")) {
                    throw new Exchange.UnsupportedMediaType(
                            "must be " + body + " in UTF-8 (charset was " + printable(charset) + ")");
                }
            }
        }
    }

    /** Refuses (400) a query parameter this route does not read, naming it and those it reads. */
    void checkQuery(Set<String> given) {
        for (String name : given) {
            if (!queryParameters.contains(name)) {
                String known = queryParameters.isEmpty()
                        ? "this route reads none"
                        : "known: " + String.join(", ", new TreeSet<>(queryParameters));
                throw new org.hwpersonality.api.ValidationException(
                        printable(name), "is not a query parameter of " + template + " (" + known + ")");
            }
        }
    }

    /** Text from the request for a message: at most 64 characters, control characters replaced. */
    private static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    /**
     * The path parameters if {@code path} matches this route's template, else null. Every request is tried against
     * the routes in turn: the literal start of the template turns most away before a regular expression is run.
     */
    Map<String, String> match(String path) {
        if (!path.startsWith(prefix)) {
            return null;
        }
        if (parameters.isEmpty()) {
            return path.equals(template) ? Map.of() : null;
        }
        Matcher m = pattern.matcher(path);
        if (!m.matches()) {
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            values.put(parameters.get(i), m.group(i + 1));
        }
        return values;
    }
}
