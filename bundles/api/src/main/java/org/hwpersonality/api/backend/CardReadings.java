package org.hwpersonality.api.backend;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a card's own sensors read now: board power in watts (empty if the card has no power sensor) and
 * temperatures in °C by sensor name (as the vendor's tool names them, e.g. {@code fpga0}, {@code FPGA Core
 * Temperature}).
 */
public record CardReadings(Optional<Double> powerWatts, Map<String, Double> temperaturesC) {
    public CardReadings {
        java.util.Objects.requireNonNull(powerWatts, "powerWatts");
        temperaturesC = java.util.Collections.unmodifiableMap(new TreeMap<>(temperaturesC));
    }

    /** The hottest sensor and its temperature. */
    public Optional<Map.Entry<String, Double>> hottest() {
        return temperaturesC.entrySet().stream().max(Comparator.comparing(Map.Entry::getValue));
    }

    /** For people: {@code 41.2 W, hottest fpga0 63.0 °C}. */
    public String describe() {
        String power = powerWatts
                .map(w -> String.format(java.util.Locale.ROOT, "%.1f W", w))
                .orElse("power not reported");
        return power
                + hottest()
                        .map(e ->
                                String.format(java.util.Locale.ROOT, ", hottest %s %.1f °C", e.getKey(), e.getValue()))
                        .orElse("");
    }
}
