package org.hwpersonality.backend.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.device.PciAddress;
import org.junit.jupiter.api.Test;

/** The tools' output as aws/aws-fpga's own documentation shows it (pasted verbatim; sources per test). */
class FpgaMgmtReportsTest {
    /** sdk/userspace/fpga_mgmt_tools/README.md, "fpga-describe-local-image-slots -H" on an f1.16xlarge. */
    @Test
    void readsTheSlotsOfAnF1Instance() {
        String out = """
                Type  FpgaImageSlot  VendorId    DeviceId    DBDF
                AFIDEVICE    0       0x1d0f      0x1042      0000:00:0f.0
                AFIDEVICE    1       0x1d0f      0x1042      0000:00:11.0
                AFIDEVICE    2       0x1d0f      0x1042      0000:00:13.0
                AFIDEVICE    3       0x1d0f      0x1042      0000:00:15.0
                AFIDEVICE    4       0x1d0f      0x1042      0000:00:17.0
                AFIDEVICE    5       0x1d0f      0x1042      0000:00:19.0
                AFIDEVICE    6       0x1d0f      0x1042      0000:00:1b.0
                AFIDEVICE    7       0x1d0f      0x1042      0000:00:1d.0
                """;

        List<FpgaMgmtReports.Slot> slots = FpgaMgmtReports.parseSlots(out);

        assertThat(slots).hasSize(8);
        assertThat(slots.get(7))
                .isEqualTo(new FpgaMgmtReports.Slot(7, "0x1d0f", "0x1042", PciAddress.of("0000:00:1d.0")));
        assertThat(FpgaMgmtReports.parseSlots("AFIDEVICE    unknown    unknown    unknown\n"))
                .isEmpty();
    }

    /** hdk/README.md step 5 (loaded) and sdk/userspace/fpga_mgmt_tools/README.md (cleared, shell elided there). */
    @Test
    void readsTheImageLine() {
        String loaded = """
                Type  FpgaImageSlot  FpgaImageId             StatusName    StatusCode   ErrorName    ErrorCode   ShVersion
                AFI          0       agfi-0fcf87119b8e97bf3  loaded            0        ok               0       0x04261818
                Type  FpgaImageSlot  VendorId    DeviceId    DBDF
                AFIDEVICE    0       0x1d0f      0xf000      0000:00:1d.0
                """;
        FpgaMgmtReports.Image image = FpgaMgmtReports.parseImage(loaded).orElseThrow();
        assertThat(image)
                .isEqualTo(new FpgaMgmtReports.Image(
                        0, Optional.of("agfi-0fcf87119b8e97bf3"), "loaded", 0, "ok", 0, Optional.of(0x04261818L)));
        assertThat(image.loaded()).isTrue();

        FpgaMgmtReports.Image cleared = FpgaMgmtReports.parseImage(
                        "AFI          0       none                    cleared           1        ok               0       0x04261818\n")
                .orElseThrow();
        assertThat(cleared.agfi()).isEmpty();
        assertThat(cleared.loaded()).isFalse();
        assertThat(FpgaMgmtReports.parseImage("Error: (3) busy\n")).isEmpty();
    }

    /** The -M layout printed by fpga_local_cmd.c cli_show_image_info (values illustrative). */
    @Test
    void readsClockGroupsAndVccintPower() {
        String out = """
                Clock Group A Frequency (Mhz)
                250  125  375  500 \s
                Clock Group B Frequency (Mhz)
                450  225 \s
                Clock Group C Frequency (Mhz)
                300  400 \s
                Power consumption (Vccint):
                   Last measured: 21 watts
                   Average: 19 watts
                   Max measured: 24 watts
                Cached agfis:
                   agfi-0fcf87119b8e97bf3
                """;

        FpgaMgmtReports.Metrics m = FpgaMgmtReports.parseMetrics(out);

        assertThat(m.clockGroups())
                .isEqualTo(Map.of(
                        "a",
                        List.of(250.0, 125.0, 375.0, 500.0),
                        "b",
                        List.of(450.0, 225.0),
                        "c",
                        List.of(300.0, 400.0)));
        assertThat(m.vccintWatts()).contains(21.0);
    }
}
