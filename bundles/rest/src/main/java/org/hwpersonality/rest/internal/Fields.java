package org.hwpersonality.rest.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import org.hwpersonality.api.ValidationException;

/** Checks on the top-level fields of a JSON body, with errors that name the field. */
final class Fields {
    private Fields() {}

    /** Refuses fields outside {@code known}. */
    static void only(ObjectNode body, Set<String> known) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new ValidationException(
                        name.length() > 64 ? name.substring(0, 64) + "…" : name,
                        "is not a known field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /** A required string field. */
    static String text(ObjectNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            throw HwpApi.required(name);
        }
        if (!value.isTextual()) {
            throw new ValidationException(name, "must be a string");
        }
        return value.asText();
    }

    /** An optional string field: null when absent or null. */
    static String optionalText(ObjectNode body, String name) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ValidationException(name, "must be a string");
        }
        return value.asText();
    }
}
