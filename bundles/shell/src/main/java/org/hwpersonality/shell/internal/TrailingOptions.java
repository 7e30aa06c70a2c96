package org.hwpersonality.shell.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hwpersonality.api.ValidationException;

/**
 * Options written after a command's arguments ({@code bitstream:add FILE --vendor V}, as HWP documents it).
 * Karaf reads options only before the first argument, so such commands collect what follows their arguments
 * and read it here: {@code --name value} or {@code --name=value}, each name at most once.
 */
final class TrailingOptions {
    private final Map<String, String> values = new HashMap<>();

    TrailingOptions(List<String> tokens, Set<String> known) {
        if (tokens == null) {
            return;
        }
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (!token.startsWith("--")) {
                throw new ValidationException("arguments", "unexpected '" + token + "'");
            }
            String name = token;
            String value;
            int eq = token.indexOf('=');
            if (eq > 0) {
                name = token.substring(0, eq);
                value = token.substring(eq + 1);
            } else if (i + 1 < tokens.size()) {
                value = tokens.get(++i);
            } else {
                throw new ValidationException(name, "needs a value");
            }
            if (!known.contains(name)) {
                throw new ValidationException(name, "is not an option of this command (options: " + known + ")");
            }
            if (values.put(name, value) != null) {
                throw new ValidationException(name, "is given twice");
            }
        }
    }

    /** The value given after the arguments, else {@code before} (the value given before them, may be null). */
    String get(String name, String before) {
        String after = values.get(name);
        if (after != null && before != null) {
            throw new ValidationException(name, "is given twice");
        }
        return after != null ? after : before;
    }
}
