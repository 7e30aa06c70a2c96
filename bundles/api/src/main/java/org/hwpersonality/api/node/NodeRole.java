package org.hwpersonality.api.node;

/** What a node does: serve requests ({@code api}: HTTP, shell, console, matching), or run back ends ({@code host}). */
public enum NodeRole {
    /** Serves the HTTP API, the shell and the console, and matches requests against the whole fleet. */
    API,
    /** Runs the back ends of the cards in its machine and programs them. */
    HOST;

    /** The role's name in configuration and answers: {@code api}, {@code host}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The role of a configured name, case-insensitive; INVALID_REQUEST naming {@code field} otherwise. */
    public static NodeRole of(String field, String label) {
        for (NodeRole r : values()) {
            if (r.label().equalsIgnoreCase(label == null ? "" : label.trim())) {
                return r;
            }
        }
        throw new org.hwpersonality.api.ValidationException(field, "'" + label + "' is not a role: api or host");
    }
}
