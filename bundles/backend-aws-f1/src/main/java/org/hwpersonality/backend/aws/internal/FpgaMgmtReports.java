package org.hwpersonality.backend.aws.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.device.PciAddress;

/**
 * Reads what the AWS FPGA management tools print with {@code -H} (aws/aws-fpga,
 * {@code sdk/userspace/fpga_mgmt_tools/src/fpga_local_cmd.c}, F1 branch):
 *
 * <ul>
 *   <li>{@code cli_show_slot_app_pfs}: a header {@code Type  FpgaImageSlot  VendorId    DeviceId    DBDF} and per
 *       slot {@code AFIDEVICE    0       0x1d0f      0x1042      0000:00:0f.0} (or {@code AFIDEVICE    unknown
 *       unknown    unknown} when the slot's PCI functions are not found);</li>
 *   <li>{@code cli_show_image_info}: {@code AFI          0       agfi-0123456789abcdefg  loaded            0
 *       ok               0       0x04261818}: slot, AFI ID ({@code none} when cleared), status name and code
 *       ({@code FPGA_STATUS2STR}: loaded, cleared, busy, not-programmed, load-failed), error name and code
 *       ({@code FPGA_ERR2STR}: ok, busy, invalid-afi-id, shell-version-not-supported, afi-power-violation, …) and
 *       the shell version;</li>
 *   <li>with {@code -M}, the metrics: {@code Clock Group A Frequency (Mhz)} followed by a line of the group's
 *       frequencies (likewise B and C), and {@code Power consumption (Vccint):} with
 *       {@code    Last measured: N watts}.</li>
 * </ul>
 */
final class FpgaMgmtReports {
    private FpgaMgmtReports() {}

    /** A slot and the PCI function of its application PF. */
    record Slot(int slot, String vendorId, String deviceId, PciAddress dbdf) {}

    /** The AFI line of {@code fpga-describe-local-image}. */
    record Image(
            int slot,
            Optional<String> agfi,
            String status,
            int statusCode,
            String error,
            int errorCode,
            Optional<Long> shellVersion) {
        boolean loaded() {
            return status.equals("loaded");
        }
    }

    /** What {@code -M} adds: the clock groups' frequencies (MHz, rounded down by the tool) and Vccint power. */
    record Metrics(Map<String, List<Double>> clockGroups, Optional<Double> vccintWatts) {}

    static List<Slot> parseSlots(String output) {
        List<Slot> slots = new ArrayList<>();
        for (String line : output.split("\\R")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 5 && f[0].equals("AFIDEVICE") && f[1].matches("\\d{1,3}")) {
                Optional<PciAddress> dbdf = PciAddress.read(f[4]);
                if (dbdf.isPresent()) {
                    slots.add(new Slot(Integer.parseInt(f[1]), f[2], f[3], dbdf.get()));
                }
            }
        }
        return slots;
    }

    static Optional<Image> parseImage(String output) {
        for (String line : output.split("\\R")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 8 && f[0].equals("AFI") && f[1].matches("\\d{1,3}")) {
                try {
                    return Optional.of(new Image(
                            Integer.parseInt(f[1]),
                            AfiReference.AGFI.matcher(f[2]).matches() ? Optional.of(f[2]) : Optional.empty(),
                            f[3],
                            Integer.parseInt(f[4]),
                            f[5],
                            Integer.parseInt(f[6]),
                            AfiReference.shellVersion(f[7])));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    static Metrics parseMetrics(String output) {
        Map<String, List<Double>> groups = new LinkedHashMap<>();
        Optional<Double> power = Optional.empty();
        String[] lines = output.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("Clock Group ") && line.endsWith("Frequency (Mhz)") && i + 1 < lines.length) {
                String group = line.substring("Clock Group ".length(), "Clock Group ".length() + 1);
                List<Double> mhz = new ArrayList<>();
                for (String v : lines[i + 1].strip().split("\\s+")) {
                    if (v.matches("\\d+")) {
                        mhz.add(Double.parseDouble(v));
                    }
                }
                groups.put(group.toLowerCase(java.util.Locale.ROOT), List.copyOf(mhz));
            } else if (line.startsWith("Last measured:") && line.endsWith("watts")) {
                String v = line.substring("Last measured:".length(), line.length() - "watts".length())
                        .strip();
                if (v.matches("\\d+")) {
                    power = Optional.of(Double.parseDouble(v));
                }
            }
        }
        return new Metrics(groups, power);
    }
}
