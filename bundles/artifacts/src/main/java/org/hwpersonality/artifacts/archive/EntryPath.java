package org.hwpersonality.artifacts.archive;

import static org.hwpersonality.artifacts.archive.DriverArchive.entry;

/**
 * An archive entry's path, normalized: a leading "./" and a trailing "/" (which marks a directory) dropped. Absolute
 * paths, "..", "." and empty segments, control characters, backslashes and drive letters are refused.
 */
record EntryPath(String path, boolean dir) {

    /** Whether {@code raw} names the archive's root itself ("./", as "tar -C dir ." and "zip -r x.zip ." write). */
    static boolean isRoot(String raw) {
        return raw.equals("./") || raw.equals(".");
    }

    static EntryPath of(String raw) {
        String why = problem(raw);
        if (why != null) {
            throw entry(raw, "path " + why);
        }
        String p = raw.startsWith("./") ? raw.substring(2) : raw;
        boolean dir = p.endsWith("/");
        if (dir) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            throw entry(raw, "path is empty once normalized");
        }
        for (String seg : p.split("/", -1)) {
            if (seg.isEmpty()) {
                throw entry(raw, "path has an empty segment");
            }
            if (seg.equals("..")) {
                throw entry(raw, "path has a '..' segment");
            }
            if (seg.equals(".")) {
                throw entry(raw, "path has a '.' segment");
            }
        }
        return new EntryPath(p, dir);
    }

    /** What is wrong with a raw path before its segments are looked at, or null. */
    private static String problem(String v) {
        if (v.length() > DriverArchive.MAX_PATH_CHARS) {
            return "is longer than " + DriverArchive.MAX_PATH_CHARS + " characters";
        }
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch == 0) {
                return "contains a NUL character";
            }
            if (Character.isISOControl(ch)) {
                return "contains a control character";
            }
        }
        if (v.indexOf('\uFFFD') >= 0) {
            return "is not valid UTF-8";
        }
        if (v.startsWith("/")) {
            return "is absolute";
        }
        if (v.indexOf('\\') >= 0) {
            return "contains a backslash";
        }
        if (v.length() >= 2
                && v.charAt(1) == ':'
                && ((v.charAt(0) >= 'A' && v.charAt(0) <= 'Z') || (v.charAt(0) >= 'a' && v.charAt(0) <= 'z'))) {
            return "starts with a Windows drive letter";
        }
        return null;
    }
}
