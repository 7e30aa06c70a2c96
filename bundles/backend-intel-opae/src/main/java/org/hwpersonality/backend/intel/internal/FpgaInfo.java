package org.hwpersonality.backend.intel.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hwpersonality.api.device.PciAddress;

/**
 * Parses the text that {@code fpgainfo fme} and {@code fpgainfo port} print.
 *
 * <p>Format followed: OPAE SDK 2.x {@code tools/fpgainfo} (repository OPAE/opae-sdk, stored as {@code OFS/opae-sdk}):
 * {@code fpgainfo.c} {@code fpgainfo_print_common()} prints a header line (<code>//&#42;&#42;&#42;&#42;&#42;&#42; FME
 * &#42;&#42;&#42;&#42;&#42;&#42;//</code>, or the same with {@code PORT}) then {@code printf("%-32s : ...")} lines: {@code Object Id}, {@code PCIe s:b:d.f}
 * ({@code %04X:%02X:%02X.%01X}), {@code Device Id} ({@code 0x%04X}), {@code Socket Id}, and for an FME also
 * {@code Ports Num}, {@code Bitstream Id}, {@code Bitstream Version} and {@code Pr Interface Id}
 * ({@code uuid_unparse}, dashed lower case). Later releases add {@code Interface}, {@code Vendor Id},
 * {@code SubVendor Id}, {@code SubDevice Id} and (board plug-ins) {@code Boot Page} and image-info lines.
 * {@code fmeinfo.c} calls {@code fpgainfo_board_info()} first, whose board plug-in ({@code libraries/libboard/board_*})
 * prints free-form lines before the header: the card name where the plug-in knows it (e.g. "Intel FPGA Programmable
 * Acceleration Card D5005", "Intel Acceleration Development Platform N6001") and BMC versions
 * ("Board Management Controller, MAX10 NIOS FW version: 2.0.13"); the PAC Arria 10 GX plug-in
 * ({@code board_a10gx.c}) prints no card name, only "Board Management Controller, microcontroller FW version: …" and
 * the last power-down/reset causes. {@code portinfo.c} prints {@code Accelerator GUID} after the common lines;
 * OPAE 1.x printed {@code Accelerator Id} (both appear in pasted outputs, e.g. the OPAE SR-IOV how-to), so both are
 * read. Sample outputs checked against: Intel's PAC A10 quick-start guide (Acceleration Stack 1.2.1:
 * {@code PCIe s:b:d:f : 0000:D8:00:0}, the older colon-before-function form, also accepted), the OFS D5005, N6001 and
 * F2000X-PL getting-started guides.
 *
 * <p>Every line that is not {@code key : value} inside a block ends the block; lines that precede a header and
 * contain no colon are taken as the card name. Warnings and errors that plug-ins print (they contain colons) are
 * ignored.
 */
public final class FpgaInfo {
    private FpgaInfo() {}

    /** One FME block: a card. */
    public record Fme(
            PciAddress address,
            Optional<String> boardName,
            Optional<Integer> deviceId,
            Optional<String> prInterfaceId,
            Optional<String> bitstreamId,
            Optional<String> bitstreamVersion,
            Optional<String> bootPage,
            Map<String, String> fields) {}

    /** One PORT block: an accelerator port and the AFU loaded behind it, if shown. */
    public record Port(PciAddress address, Optional<String> acceleratorId, Map<String, String> fields) {}

    private static final Pattern FIELD = Pattern.compile("\\s*([A-Za-z][A-Za-z0-9 .:/()_-]*?)\\s+:\\s?(.*)");
    private static final Pattern HEADER = Pattern.compile("\\s*//\\*+\\s*([A-Z]+)\\s*\\*+//\\s*");
    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");

    /** The FME blocks of {@code fpgainfo fme} output, in order; blocks without a PCIe address are skipped. */
    public static List<Fme> parseFme(String output) {
        List<Fme> cards = new ArrayList<>();
        for (Block block : blocks(output, "FME")) {
            Optional<PciAddress> bdf = address(block.fields);
            if (bdf.isEmpty()) {
                continue;
            }
            cards.add(new Fme(
                    bdf.get(),
                    block.boardName,
                    Optional.ofNullable(block.fields.get("Device Id")).flatMap(FpgaInfo::hex),
                    Optional.ofNullable(block.fields.get("Pr Interface Id")).flatMap(FpgaInfo::uuid),
                    Optional.ofNullable(block.fields.get("Bitstream Id")),
                    Optional.ofNullable(block.fields.get("Bitstream Version")),
                    Optional.ofNullable(block.fields.get("Boot Page")),
                    java.util.Collections.unmodifiableMap(block.fields)));
        }
        return cards;
    }

    /** The PORT blocks of {@code fpgainfo port} output, in order. */
    public static List<Port> parsePorts(String output) {
        List<Port> ports = new ArrayList<>();
        for (Block block : blocks(output, "PORT")) {
            Optional<PciAddress> bdf = address(block.fields);
            if (bdf.isEmpty()) {
                continue;
            }
            String id = block.fields.getOrDefault(
                    "Accelerator GUID", block.fields.getOrDefault("Accelerator Id", block.fields.get("Afu Id")));
            ports.add(new Port(
                    bdf.get(),
                    Optional.ofNullable(id).flatMap(FpgaInfo::uuid),
                    java.util.Collections.unmodifiableMap(block.fields)));
        }
        return ports;
    }

    /** One sensor line of {@code fpgainfo power}, {@code temp} or {@code bmc}: its value if it has a reading. */
    public record Sensor(String name, Optional<Double> value, String unit) {}

    private static final Pattern SENSOR = Pattern.compile("\\(\\s*\\d+\\)\\s*(.+?)\\s+:\\s*(.*)");
    private static final Pattern READING = Pattern.compile("(-?[0-9]+(?:\\.[0-9]+)?)\\s*(.*)");

    /**
     * The sensors of {@code fpgainfo power} / {@code temp} / {@code bmc} output by card. Each card's block is the
     * common header (a {@code POWER}, {@code TEMP} or {@code BMC SENSORS} banner, then the {@code %-32s :}
     * lines with {@code PCIe s:b:d.f}) followed by {@code bmcdata.c print_metrics()} lines {@code "(%2ld) %-50s : "}
     * with {@code %0.2f} (or an integer) and the unit, or {@code N/A} for a metric that could not be read; OPAE 1.x
     * printed {@code ( 0) Total Input Power        : 22.00 Watts} and {@code No reading (reading state unavailable)}.
     * Both are read; a sensor without a number has an empty value.
     */
    public static Map<PciAddress, List<Sensor>> parseSensors(String output) {
        Map<PciAddress, List<Sensor>> cards = new LinkedHashMap<>();
        Optional<PciAddress> card = Optional.empty();
        for (String raw : output.replace("<br>", "").split("\\R")) {
            String line = raw.strip();
            if (HEADER.matcher(line).matches() || line.matches("//\\*+.*\\*+//")) {
                card = Optional.empty();
                continue;
            }
            Matcher sensor = SENSOR.matcher(line);
            if (sensor.matches()) {
                if (card.isPresent()) {
                    Matcher reading = READING.matcher(sensor.group(2).strip());
                    cards.get(card.get())
                            .add(
                                    reading.matches()
                                            ? new Sensor(
                                                    sensor.group(1).strip(),
                                                    Optional.of(Double.parseDouble(reading.group(1))),
                                                    reading.group(2).strip())
                                            : new Sensor(sensor.group(1).strip(), Optional.empty(), ""));
                }
                continue;
            }
            Matcher field = FIELD.matcher(line);
            if (field.matches()) {
                String key = field.group(1).strip();
                if (key.equals("PCIe s:b:d.f") || key.equals("PCIe s:b:d:f")) {
                    card = PciAddress.read(field.group(2));
                    card.ifPresent(a -> cards.putIfAbsent(a, new ArrayList<>()));
                }
            }
        }
        return cards;
    }

    private record Block(Optional<String> boardName, Map<String, String> fields) {}

    private static List<Block> blocks(String output, String kind) {
        List<Block> blocks = new ArrayList<>();
        List<String> preamble = new ArrayList<>();
        Map<String, String> fields = null;
        Optional<String> name = Optional.empty();
        for (String raw : output.replace("<br>", "").split("\\R")) {
            String line = raw.strip();
            Matcher header = HEADER.matcher(line);
            if (header.matches()) {
                if (fields != null) {
                    blocks.add(new Block(name, fields));
                }
                if (header.group(1).equals(kind)) {
                    fields = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER); // "Object ID", "Object Id"
                    name = boardName(preamble);
                } else {
                    fields = null;
                }
                preamble.clear();
                continue;
            }
            Matcher field = FIELD.matcher(line);
            if (fields != null && field.matches() && !line.contains("**")) {
                fields.putIfAbsent(field.group(1).strip(), field.group(2).strip());
                continue;
            }
            if (fields != null) {
                blocks.add(new Block(name, fields));
                fields = null;
            }
            if (!line.isEmpty()) {
                preamble.add(line);
            }
        }
        if (fields != null) {
            blocks.add(new Block(name, fields));
        }
        return blocks;
    }

    private static Optional<String> boardName(List<String> preamble) {
        for (int i = preamble.size() - 1; i >= 0; i--) {
            String line = preamble.get(i);
            if (!line.contains(":")
                    && !line.startsWith("//")
                    && !line.startsWith("Board Management Controller")
                    && !line.startsWith("Last ")
                    && line.chars().anyMatch(Character::isLetter)) {
                return Optional.of(line);
            }
        }
        return Optional.empty();
    }

    /**
     * The block's PCI address: {@code PCIe s:b:d.f} (or {@code s:b:d:f}); OPAE 1.x's Python fpgainfo
     * ({@code tools/base/fpgainfo/sysfs.py} {@code print_info}) printed separate {@code Bus}, {@code Device} and
     * {@code Function} lines ({@code 0x%02X}) and no segment, which is then 0.
     */
    private static Optional<PciAddress> address(Map<String, String> fields) {
        String text = fields.getOrDefault("PCIe s:b:d.f", fields.get("PCIe s:b:d:f"));
        if (text != null) {
            return PciAddress.read(text);
        }
        Optional<Integer> bus = Optional.ofNullable(fields.get("Bus")).flatMap(FpgaInfo::hex);
        Optional<Integer> device = Optional.ofNullable(fields.get("Device")).flatMap(FpgaInfo::hex);
        Optional<Integer> function = Optional.ofNullable(fields.get("Function")).flatMap(FpgaInfo::hex);
        if (bus.isEmpty() || device.isEmpty() || function.isEmpty()) {
            return Optional.empty();
        }
        int segment = Optional.ofNullable(fields.get("Segment"))
                .flatMap(FpgaInfo::hex)
                .orElse(0);
        return PciAddress.read(String.format("%04x:%02x:%02x.%x", segment, bus.get(), device.get(), function.get()));
    }

    private static Optional<Integer> hex(String text) {
        String t = text.strip();
        if (t.startsWith("0x") || t.startsWith("0X")) {
            t = t.substring(2);
        }
        try {
            return Optional.of(Integer.parseInt(t, 16));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A UUID in canonical form (32 lower-case hex digits), or empty if the text is none. */
    static Optional<String> uuid(String text) {
        String t = text.strip();
        int space = t.indexOf(' ');
        if (space > 0) {
            t = t.substring(0, space); // e.g. "3dac7126-... (TBD)"
        }
        return UUID.matcher(t).matches() ? Optional.of(t.replace("-", "").toLowerCase(Locale.ROOT)) : Optional.empty();
    }
}
