package org.hwpersonality.rest.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One operation of the API: an HTTP method, a path template such as {@code /allocations/{allocationId}}, who may
 * call it, and what it does. Path parameters match one segment of ID characters; anything else is no match (404).
 */
record Route(
        String method,
        String template,
        Access access,
        String summary,
        Handler handler,
        String prefix,
        Pattern pattern,
        List<String> parameters) {
    /** What a route does with one exchange. */
    @FunctionalInterface
    interface Handler {
        void handle(Exchange exchange) throws Exception;
    }

    private static final Pattern PARAMETER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");
    /** What an ID of the API looks like: a path parameter, or an ID given as a query parameter. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private static final String SEGMENT = "(" + ID.pattern() + ")";

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
                List.copyOf(names));
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
