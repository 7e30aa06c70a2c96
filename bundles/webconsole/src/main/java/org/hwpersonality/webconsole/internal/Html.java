package org.hwpersonality.webconsole.internal;

import java.io.PrintWriter;
import java.util.List;

/** Writes the HTML of a page's content area, escaping every value (profile texts come from users). */
final class Html {
    private final PrintWriter out;

    Html(PrintWriter out) {
        this.out = out;
    }

    static String esc(Object value) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? '?' : c);
            }
        }
        return b.toString();
    }

    /** Raw markup (already escaped or constant). */
    Html raw(String markup) {
        out.print(markup);
        return this;
    }

    Html text(Object value) {
        out.print(esc(value));
        return this;
    }

    Html heading(String title) {
        return raw("<p class=\"statline ui-state-highlight\">").text(title).raw("</p>\n");
    }

    /** A message after an action: {@code done} (success) or {@code error}. */
    Html flash(String done, String error) {
        if (done != null) {
            raw("<p class=\"hwp-done ui-state-highlight\" id=\"hwp-done\">")
                    .text(done)
                    .raw("</p>\n");
        }
        if (error != null) {
            raw("<p class=\"hwp-error ui-state-error\" id=\"hwp-error\">")
                    .text(error)
                    .raw("</p>\n");
        }
        return this;
    }

    /** A table: header cells, then rows of cells given as markup (use {@link #esc} for values). */
    Html table(String id, List<String> headers, List<List<String>> rows) {
        raw("<table class=\"nicetable\" id=\"").text(id).raw("\"><thead><tr>");
        for (String h : headers) {
            raw("<th>").text(h).raw("</th>");
        }
        raw("</tr></thead><tbody>\n");
        if (rows.isEmpty()) {
            raw("<tr><td colspan=\"" + headers.size() + "\">none</td></tr>\n");
        }
        for (List<String> row : rows) {
            raw("<tr>");
            for (String cell : row) {
                raw("<td>").raw(cell).raw("</td>");
            }
            raw("</tr>\n");
        }
        return raw("</tbody></table>\n");
    }

    /** A one-button form that posts {@code action} with hidden fields (name, value pairs). */
    static String button(String action, String label, String... fields) {
        StringBuilder b = new StringBuilder("<form method=\"post\" style=\"display:inline\">")
                .append("<input type=\"hidden\" name=\"action\" value=\"")
                .append(esc(action))
                .append("\">");
        for (int i = 0; i < fields.length; i += 2) {
            b.append("<input type=\"hidden\" name=\"")
                    .append(esc(fields[i]))
                    .append("\" value=\"")
                    .append(esc(fields[i + 1]))
                    .append("\">");
        }
        return b.append("<button type=\"submit\" class=\"ui-button\" name=\"go\" value=\"")
                .append(esc(action + ":" + (fields.length > 1 ? fields[1] : "")))
                .append("\">")
                .append(esc(label))
                .append("</button></form>")
                .toString();
    }

    static String link(String href, Object label) {
        return "<a href=\"" + esc(href) + "\">" + esc(label) + "</a>";
    }
}
