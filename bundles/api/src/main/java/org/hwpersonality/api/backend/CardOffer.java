package org.hwpersonality.api.backend;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hwpersonality.api.backend.BackendException.Kind;
import org.hwpersonality.api.profile.MemoryMap;
import org.hwpersonality.api.profile.MemorySegment;
import org.hwpersonality.api.profile.MemorySegment.MemoryKind;
import org.hwpersonality.api.profile.PeripheralSetting;

/**
 * What a card offers a personality's memory map and peripheral settings: the card-memory kinds it has, with their
 * size in MiB (empty: the back end cannot tell, nothing is checked), and the names of its peripherals (empty: the
 * back end cannot tell). Host memory and on-chip PLRAM are not card memory and are never refused. One rule for every
 * back end: a profile whose memory map or peripherals the card cannot honour is refused before any tool runs, so the
 * region stays as it was.
 */
public record CardOffer(Map<MemoryKind, Long> memoryMb, Optional<Set<String>> peripherals) {
    /** A card the back end cannot describe: nothing is checked. */
    public static final CardOffer UNKNOWN = new CardOffer(Map.of(), Optional.empty());

    public CardOffer {
        memoryMb = memoryMb.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(memoryMb));
        peripherals = peripherals.map(Set::copyOf);
    }

    /** Refuses (INCOMPATIBLE, naming the segment or peripheral and what the card has) what the card cannot honour. */
    public void check(MemoryMap map, List<PeripheralSetting> settings, String device) {
        if (map != null && !memoryMb.isEmpty()) {
            Map<MemoryKind, Long> needed = new EnumMap<>(MemoryKind.class);
            for (MemorySegment s : map.segments()) {
                if (s.kind() == MemoryKind.HOST || s.kind() == MemoryKind.PLRAM) {
                    continue;
                }
                if (!memoryMb.containsKey(s.kind())) {
                    throw new BackendException(
                            Kind.INCOMPATIBLE,
                            "memory segment '" + s.name() + "' is " + s.kind() + " but device " + device + " has "
                                    + describeMemory());
                }
                needed.merge(s.kind(), s.sizeBytes(), Long::sum);
            }
            needed.forEach((kind, bytes) -> {
                long mb = (bytes + (1L << 20) - 1) >> 20;
                if (mb > memoryMb.get(kind)) {
                    throw new BackendException(
                            Kind.INCOMPATIBLE,
                            "the memory map needs " + mb + " MiB of " + kind + " but device " + device + " has "
                                    + memoryMb.get(kind) + " MiB");
                }
            });
        }
        if (settings != null && peripherals.isPresent()) {
            for (PeripheralSetting p : settings) {
                if (!peripherals.get().contains(p.name())) {
                    throw new BackendException(
                            Kind.INCOMPATIBLE,
                            "peripheral '" + p.name() + "' is not on device " + device + ", which has "
                                    + (peripherals.get().isEmpty()
                                            ? "none"
                                            : String.join(", ", new TreeSet<>(peripherals.get()))));
                }
            }
        }
    }

    private String describeMemory() {
        return memoryMb.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue() + " MiB")
                .collect(Collectors.joining(", "));
    }

    /**
     * A configuration value such as {@code DDR=65536, HBM=8192} (kind=MiB; a kind alone takes {@code defaultMb});
     * blank means unknown. A bad kind or size is an IllegalArgumentException naming {@code key}.
     */
    public static Map<MemoryKind, Long> parseMemory(String key, String value, long defaultMb) {
        Map<MemoryKind, Long> kinds = new EnumMap<>(MemoryKind.class);
        if (value == null || value.isBlank()) {
            return kinds;
        }
        for (String part : value.split(",")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            String kind = (eq < 0 ? p : p.substring(0, eq)).strip().toUpperCase(java.util.Locale.ROOT);
            try {
                long mb =
                        eq < 0 ? defaultMb : Long.parseLong(p.substring(eq + 1).strip());
                if (mb <= 0) {
                    throw new NumberFormatException();
                }
                kinds.put(MemoryKind.valueOf(kind), mb);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        key + ": '" + p + "' is not KIND or KIND=MiB (kinds DDR, HBM, PLRAM, HOST; MiB > 0)");
            }
        }
        return kinds;
    }

    /**
     * A configuration value naming a card's peripherals: {@code *} means the back end cannot tell (nothing is checked),
     * otherwise a comma list (blank: the card has none).
     */
    public static Optional<Set<String>> parsePeripherals(String value) {
        if (value == null || value.strip().equals("*")) {
            return Optional.empty();
        }
        return Optional.of(Set.copyOf(org.hwpersonality.api.Settings.list(value)));
    }
}
