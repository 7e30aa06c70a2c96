package org.hwpersonality.backend.xilinx.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hwpersonality.api.backend.CardReadings;

/**
 * Reads the JSON reports of {@code xbutil examine --format JSON --output FILE} (XRT 2.x, the "next generation"
 * xbutil that is the default since XRT 2.11 / Vitis 2021.1). The schema follows the XRT sources, not a
 * published specification; it was taken from Xilinx/XRT:
 *
 * <ul>
 *   <li>{@code src/runtime_src/core/tools/common/XBUtilities.cpp}, {@code produce_reports()}: the root is
 *       {@code {"schema_version": {"schema": "JSON", "creation_date": …}, "system": {…}, "devices": [{…}]}};
 *       each device entry holds {@code "interface_type": "pcie"}, {@code "device_id": "<BDF>"}, on newer
 *       releases {@code "device_status"}, and then the root node of each device report.</li>
 *   <li>{@code XBUtilities::get_available_devices()} with {@code ReportHost.cpp} (report {@code host}, the
 *       default without {@code --device}): {@code system.host.devices[]} of
 *       {@code {"bdf", "device_class", "vbnv", "id", "instance", "is_ready"}}.</li>
 *   <li>{@code src/runtime_src/core/common/info_platform.cpp} (report {@code platform}):
 *       {@code platforms[].static_region} with {@code "vbnv"} and {@code "logic_uuid"} (dashed upper-case UUID
 *       on 2RP shells, {@code 0x…} feature-ROM time stamp on 1RP shells). The 2021 version of that file (XRT
 *       2.11) wrote {@code "interface_uuid"} there instead; both are read, {@code interface_uuid} preferred.</li>
 *   <li>{@code info_memory.cpp} {@code dynamic_regions()} (report {@code dynamic-regions}):
 *       {@code dynamic_regions[]} of {@code {"xclbin_uuid": "54754387-411C-…", "compute_units": […]}}; an
 *       all-zero UUID means no xclbin is loaded (XRT pull request #5487 shows that output).</li>
 * </ul>
 *
 * Boost.PropertyTree writes every scalar as a JSON string ({@code "is_ready": "true"}) and escapes {@code /};
 * both are accepted, as are genuine JSON booleans.
 */
final class XbutilReports {
    private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern ROM_TIMESTAMP = Pattern.compile("0x[0-9a-f]{1,16}");

    /** One line of the host report's device table. */
    record HostDevice(String bdf, String vbnv, boolean ready) {}

    /** What the {@code platform} and {@code dynamic-regions} reports say about one card. */
    record CardReport(
            String bdf,
            String vbnv,
            Optional<String> interfaceUuid,
            Optional<String> logicUuid,
            Optional<String> xclbinUuid,
            Optional<String> deviceStatus) {
        /** The ID that xclbins built for this shell carry: interface UUID if reported, else the logic UUID. */
        Optional<String> shellInterfaceId() {
            return interfaceUuid.isPresent() ? interfaceUuid : logicUuid;
        }
    }

    private XbutilReports() {}

    /** The devices of a {@code host} report; IllegalArgumentException if it is not one. */
    static List<HostDevice> parseHost(String json) {
        Map<String, Object> root = object(Json.parse(json), "report");
        Map<String, Object> host = object(path(root, "system", "host"), "system.host");
        List<HostDevice> devices = new ArrayList<>();
        Object list = host.get("devices");
        if (list == null || "".equals(list)) {
            return devices; // Boost writes an empty child as ""
        }
        for (Object entry : array(list, "system.host.devices")) {
            Map<String, Object> device = object(entry, "system.host.devices[]");
            String bdf =
                    text(device.get("bdf")).orElseThrow(() -> new IllegalArgumentException("a host device has no bdf"));
            devices.add(new HostDevice(
                    normalizeBdf(bdf),
                    text(device.get("vbnv")).orElse(""),
                    bool(device.get("is_ready")).orElse(true)));
        }
        return devices;
    }

    /** The card {@code bdf} in a per-device report with {@code platform} and {@code dynamic-regions}. */
    static CardReport parseCard(String json, String bdf) {
        Map<String, Object> device = device(object(Json.parse(json), "report"), bdf);
        String id = normalizeBdf(bdf);
        Map<String, Object> staticRegion = Map.of();
        Object platforms = device.get("platforms");
        if (platforms instanceof List<?> list && !list.isEmpty()) {
            Object sr = object(list.get(0), "platforms[0]").get("static_region");
            if (sr instanceof Map<?, ?>) {
                staticRegion = object(sr, "static_region");
            }
        }
        Optional<String> xclbin = Optional.empty();
        Object regions = device.get("dynamic_regions");
        if (regions instanceof List<?> list) {
            for (Object region : list) {
                xclbin = findString(region, "xclbin_uuid", 0).flatMap(XbutilReports::uuid);
                if (xclbin.isPresent()) {
                    break;
                }
            }
        }
        return new CardReport(
                id,
                text(staticRegion.get("vbnv")).orElse(""),
                text(staticRegion.get("interface_uuid")).flatMap(XbutilReports::uuid),
                text(staticRegion.get("logic_uuid")).flatMap(XbutilReports::uuid),
                xclbin,
                text(device.get("device_status")));
    }

    /**
     * The card {@code bdf}'s sensors in a per-device report with {@code electrical} and {@code thermal}
     * (XRT {@code ReportElectrical.cpp} and {@code ReportThermal.cpp} over {@code sensor.cpp}): board power is
     * {@code electrical.power_consumption_watts} (a string, {@code "N/A"} when the card has no reading), each
     * temperature a {@code thermals[]} entry {@code {"location_id", "description", "temp_C", "is_present"}} of
     * which only present ones count; a card without sensors has {@code "thermals": {"msg": "No sensors present"}}
     * instead of the array.
     */
    static CardReadings parseReadings(String json, String bdf) {
        Map<String, Object> device = device(object(Json.parse(json), "report"), bdf);
        Optional<Double> power = Optional.empty();
        if (device.get("electrical") instanceof Map<?, ?> electrical) {
            power = number(electrical.get("power_consumption_watts")).filter(w -> w > 0);
        }
        Map<String, Double> temperatures = new java.util.LinkedHashMap<>();
        if (device.get("thermals") instanceof List<?> thermals) {
            for (Object entry : thermals) {
                Map<String, Object> sensor = object(entry, "thermals[]");
                if (!bool(sensor.get("is_present")).orElse(true)) {
                    continue;
                }
                Optional<String> name = text(sensor.get("location_id")).or(() -> text(sensor.get("description")));
                Optional<Double> celsius = number(sensor.get("temp_C"));
                if (name.isPresent() && celsius.isPresent()) {
                    temperatures.put(name.get(), celsius.get());
                }
            }
        }
        return new CardReadings(power, temperatures);
    }

    private static Map<String, Object> device(Map<String, Object> root, String bdf) {
        String wanted = normalizeBdf(bdf);
        Object devices = root.get("devices");
        if (devices == null) {
            throw new IllegalArgumentException("the report has no devices");
        }
        for (Object entry : array(devices, "devices")) {
            Map<String, Object> device = object(entry, "devices[]");
            if (text(device.get("device_id"))
                    .map(XbutilReports::normalizeBdf)
                    .orElse("")
                    .equals(wanted)) {
                return device;
            }
        }
        throw new IllegalArgumentException("the report does not describe device " + bdf);
    }

    /** A finite number written as a JSON number or string; empty for {@code N/A} and anything else. */
    private static Optional<Double> number(Object node) {
        if (node instanceof Number n) {
            return Optional.of(n.doubleValue()).filter(Double::isFinite);
        }
        if (node instanceof String s) {
            try {
                return Optional.of(Double.parseDouble(s.strip())).filter(Double::isFinite);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * A UUID as xbutil prints it ({@code 54754387-411C-4C16-8265-245B0241D0A2}, or a 1RP shell's feature-ROM
     * time stamp {@code 0x5d1211e8}) in canonical form: 32 lower-case hex digits, a time stamp zero-padded on the
     * left. Empty for all-zero, {@code N/A} and anything else.
     */
    static Optional<String> uuid(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        String canonical;
        if (ROM_TIMESTAMP.matcher(v).matches()) {
            canonical = timestampId(Long.parseUnsignedLong(v.substring(2), 16));
        } else {
            canonical = v.replace("-", "");
            if (!HEX32.matcher(canonical).matches()) {
                return Optional.empty();
            }
        }
        return canonical.chars().allMatch(c -> c == '0') ? Optional.empty() : Optional.of(canonical);
    }

    /** A 1RP shell's feature-ROM time stamp as a 32-hex-digit interface ID (zero-padded on the left). */
    static String timestampId(long timestamp) {
        String hex = Long.toHexString(timestamp);
        return "0".repeat(32 - hex.length()) + hex;
    }

    /** {@code 3b:00.1} or {@code 0000:3B:00.1} → {@code 0000:3b:00.1}. */
    static String normalizeBdf(String bdf) {
        String b = bdf.strip().toLowerCase(Locale.ROOT);
        if (b.startsWith("[") && b.endsWith("]")) {
            b = b.substring(1, b.length() - 1);
        }
        return b.chars().filter(c -> c == ':').count() == 1 ? "0000:" + b : b;
    }

    private static Optional<String> findString(Object node, String key, int depth) {
        if (depth > 8) {
            return Optional.empty();
        }
        if (node instanceof Map<?, ?> map) {
            Object direct = map.get(key);
            if (direct instanceof String s) {
                return Optional.of(s);
            }
            for (Object child : map.values()) {
                Optional<String> found = findString(child, key, depth + 1);
                if (found.isPresent()) {
                    return found;
                }
            }
        } else if (node instanceof List<?> list) {
            for (Object child : list) {
                Optional<String> found = findString(child, key, depth + 1);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static Object path(Map<String, Object> root, String... keys) {
        Object node = root;
        for (String key : keys) {
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(key)) {
                throw new IllegalArgumentException("the report has no " + String.join(".", keys));
            }
            node = map.get(key);
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object node, String where) {
        if (node instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException(where + " is not an object");
    }

    private static List<?> array(Object node, String where) {
        if (node instanceof List<?> list) {
            return list;
        }
        throw new IllegalArgumentException(where + " is not an array");
    }

    private static Optional<String> text(Object node) {
        if (node instanceof String s && !s.isBlank()) {
            return Optional.of(s.strip());
        }
        return Optional.empty();
    }

    private static Optional<Boolean> bool(Object node) {
        if (node instanceof Boolean b) {
            return Optional.of(b);
        }
        if (node instanceof String s) {
            String v = s.strip().toLowerCase(Locale.ROOT);
            if (v.equals("true") || v.equals("1") || v.equals("yes")) {
                return Optional.of(true);
            }
            if (v.equals("false") || v.equals("0") || v.equals("no")) {
                return Optional.of(false);
            }
        }
        return Optional.empty();
    }
}
