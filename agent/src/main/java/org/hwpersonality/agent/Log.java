package org.hwpersonality.agent;

import java.io.PrintStream;
import java.time.Instant;

/** One line per event on standard error: time, level, message. Every decision of the agent is logged here. */
final class Log {
    private static volatile PrintStream out = System.err;

    private Log() {}

    /** Where the lines go (tests read them). */
    static void to(PrintStream stream) {
        out = stream;
    }

    static void info(String format, Object... args) {
        write("INFO ", format, args);
    }

    static void warn(String format, Object... args) {
        write("WARN ", format, args);
    }

    static void error(String format, Object... args) {
        write("ERROR", format, args);
    }

    private static void write(String level, String format, Object... args) {
        out.println(Instant.now() + " " + level + " " + String.format(format, args));
        out.flush();
    }
}
