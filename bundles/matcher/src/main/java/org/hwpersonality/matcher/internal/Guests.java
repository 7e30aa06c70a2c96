package org.hwpersonality.matcher.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.hwpersonality.api.OsInfo;

/**
 * The distinct guest operating systems an index has matched for (a fleet has few: some kernels of some
 * distributions). Each gets one instance, so answers can compare it by identity, and the first {@value #SLOTS} a
 * slot number, under which every profile keeps its answer for that guest ({@link WorkloadProfiles#verdict}).
 * At most {@value #MAX} are remembered; guests beyond are answered without being kept.
 */
final class Guests {
    static final int SLOTS = 32;
    static final int MAX = 4096;

    /** A guest; {@code slot} is -1 when it has none. */
    record Guest(OsInfo os, int slot) {}

    private final Map<OsInfo, Guest> known = new ConcurrentHashMap<>();
    private final AtomicInteger slots = new AtomicInteger();

    Guest of(OsInfo os) {
        Guest g = known.get(os);
        if (g != null) {
            return g;
        }
        if (known.size() >= MAX) {
            return new Guest(os, -1);
        }
        return known.computeIfAbsent(os, k -> {
            int slot = slots.getAndIncrement();
            return new Guest(k, slot < SLOTS ? slot : -1);
        });
    }
}
