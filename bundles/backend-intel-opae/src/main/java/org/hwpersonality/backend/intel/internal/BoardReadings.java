package org.hwpersonality.backend.intel.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.backend.CardReadings;
import org.hwpersonality.backend.intel.internal.FpgaInfo.Sensor;

/**
 * What a card's BMC sensors ({@link FpgaInfo#parseSensors}) say about its power and temperatures. Board power is the
 * sensor that totals it where the board has one ({@code Board Power} on the N3000 and N6000 families,
 * {@code Total Input Power} on the PAC Arria 10 GX); boards without one (the D5005 lists only rails) draw what their
 * 12 V inputs carry, the sum of volts × amps over the {@code 12v … Voltage} / {@code 12v … Current} pairs. Every
 * sensor in degrees Celsius ({@code Celsius}, {@code Centigrade}, {@code °C}) is a temperature.
 */
final class BoardReadings {
    private BoardReadings() {}

    static CardReadings of(List<Sensor> sensors) {
        return new CardReadings(power(sensors), temperatures(sensors));
    }

    private static Optional<Double> power(List<Sensor> sensors) {
        for (Sensor s : sensors) {
            String name = s.name().toLowerCase(Locale.ROOT);
            if ((name.equals("board power") || name.equals("total input power"))
                    && s.unit().equalsIgnoreCase("watts")
                    && s.value().isPresent()) {
                return s.value();
            }
        }
        Map<String, Double> volts = new LinkedHashMap<>();
        Map<String, Double> amps = new LinkedHashMap<>();
        for (Sensor s : sensors) {
            String name = s.name().toLowerCase(Locale.ROOT);
            if (!name.startsWith("12v") || s.value().isEmpty()) {
                continue;
            }
            if (name.endsWith(" voltage") && s.unit().equalsIgnoreCase("volts")) {
                volts.put(
                        name.substring(0, name.length() - " voltage".length()),
                        s.value().get());
            } else if (name.endsWith(" current") && s.unit().equalsIgnoreCase("amps")) {
                amps.put(
                        name.substring(0, name.length() - " current".length()),
                        s.value().get());
            }
        }
        double watts = 0;
        boolean any = false;
        for (Map.Entry<String, Double> rail : volts.entrySet()) {
            Double a = amps.get(rail.getKey());
            if (a != null) {
                watts += rail.getValue() * a;
                any = true;
            }
        }
        return any && watts > 0 ? Optional.of(watts) : Optional.empty();
    }

    private static Map<String, Double> temperatures(List<Sensor> sensors) {
        Map<String, Double> temperatures = new LinkedHashMap<>();
        for (Sensor s : sensors) {
            String unit = s.unit().toLowerCase(Locale.ROOT);
            if (s.value().isPresent() && (unit.equals("celsius") || unit.equals("centigrade") || unit.equals("°c"))) {
                temperatures.put(s.name(), s.value().get());
            }
        }
        return temperatures;
    }
}
