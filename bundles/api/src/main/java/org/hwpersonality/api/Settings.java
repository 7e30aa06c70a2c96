package org.hwpersonality.api;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Checks a component's settings at start, so that a bad value in {@code etc/PID.cfg} refuses the component with a
 * message naming the key, not a bare {@code NumberFormatException} at some later call. The component property type's
 * methods are read once each: the DS runtime converts the file's text when a method is called and throws for text
 * that is not of the method's type. Limits are checked with {@link #atLeast}.
 */
public final class Settings {
    private Settings() {}

    /**
     * Reads every attribute of {@code settings}, an instance of the component property type {@code type}; the first
     * one that cannot be read is an IllegalArgumentException naming its key ({@link #key}) and the reason.
     */
    public static <A> A check(Class<A> type, A settings) {
        Method[] methods = type.getDeclaredMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method m : methods) {
            if (m.getParameterCount() != 0
                    || m.isSynthetic()
                    || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                m.invoke(settings);
            } catch (InvocationTargetException e) {
                Throwable why = e.getCause();
                while (why.getCause() != null && why.getCause() != why) {
                    why = why.getCause();
                }
                // Felix SCR words it "java.lang.NumberFormatException: For input string: ..."; the type is said here.
                String reason = String.valueOf(why.getMessage()).replaceFirst("^[\\w.$]+(Exception|Error): ", "");
                throw new IllegalArgumentException(
                        key(m.getName()) + ": not a " + typeName(m.getReturnType()) + " (" + reason + ")",
                        e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return settings;
    }

    /**
     * The items of a list setting: an {@code etc/PID.cfg} file gives one string with the items separated by commas,
     * Configuration Admin may give several strings; either way blank items are dropped and each is stripped.
     */
    public static java.util.List<String> list(String... values) {
        return Arrays.stream(values)
                .flatMap(v -> Arrays.stream(v.split(",")))
                .map(String::strip)
                .filter(v -> !v.isEmpty())
                .toList();
    }

    /** {@code value} if it is at least {@code min}; else an IllegalArgumentException naming {@code key}. */
    public static long atLeast(String key, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " = " + value + ": must be at least " + min);
        }
        return value;
    }

    /** {@code value} if it is at least {@code min}; else an IllegalArgumentException naming {@code key}. */
    public static int atLeast(String key, int value, int min) {
        return (int) atLeast(key, (long) value, min);
    }

    /**
     * The configuration key of a component property type's method, as Declarative Services maps it: {@code __} is an
     * underscore, {@code _} a dot, {@code $$} a dollar sign and a single {@code $} nothing ({@code
     * capacity_luts} is {@code capacity.luts}).
     */
    public static String key(String method) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            boolean doubled = i + 1 < method.length() && method.charAt(i + 1) == c;
            if (c == '_') {
                key.append(doubled ? '_' : '.');
                i += doubled ? 1 : 0;
            } else if (c == '$') {
                if (doubled) {
                    key.append('$');
                    i++;
                }
            } else {
                key.append(c);
            }
        }
        return key.toString();
    }

    private static String typeName(Class<?> type) {
        if (type == long.class || type == int.class) {
            return "whole number";
        }
        if (type == double.class || type == float.class) {
            return "number";
        }
        if (type == boolean.class) {
            return "boolean (true or false)";
        }
        return type.getSimpleName();
    }
}
