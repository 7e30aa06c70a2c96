package org.hwpersonality.api.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hwpersonality.api.Rejections.assertRejected;
import static org.hwpersonality.api.Samples.IMAGE;
import static org.hwpersonality.api.Samples.T0;
import static org.hwpersonality.api.Samples.with;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.Samples;
import org.junit.jupiter.api.Test;

class ArtifactTest {
    private final DriverFile module = new DriverFile("lib/modules/xocl.ko", DriverFile.Kind.MODULE, 1024, IMAGE);
    private final DriverPackage xrt = new DriverPackage(
            "xrt-resnet50-2.16.204",
            "xrt-resnet50",
            "2.16.204",
            "linux",
            KernelRange.parse("[5.4,6.9)"),
            "x86_64",
            List.of("resnet50-int8-u250-v1", "family:alveo-u250"),
            List.of(module),
            List.of("insmod lib/modules/xocl.ko"),
            IMAGE,
            2048,
            "c2lnbmF0dXJl",
            T0);

    @Test
    void bitstreamRules() {
        Bitstream b = new Bitstream(
                IMAGE,
                "resnet50.xclbin",
                "xilinx",
                ImageFormat.XCLBIN,
                10,
                Optional.of(Samples.INTERFACE_ID.toUpperCase()),
                T0);
        assertThat(b.interfaceId()).contains(Samples.INTERFACE_ID);
        assertRejected(() -> with(b, "sha256", null), "sha256", "is required");
        assertRejected(() -> with(b, "name", ""), "name", "blank");
        assertRejected(() -> with(b, "vendor", "Xilinx"), "vendor", "lower-case");
        assertRejected(() -> with(b, "format", null), "format", "is required");
        assertRejected(() -> with(b, "sizeBytes", 0L), "sizeBytes", "greater than zero");
        assertRejected(() -> with(b, "interfaceId", Optional.of("nope")), "interfaceId", "UUID");
        assertRejected(() -> with(b, "storedAt", null), "storedAt", "is required");
    }

    @Test
    void driverFilePathsAreSafe() {
        assertRejected(() -> with(module, "path", "/etc/passwd"), "path", "relative path");
        assertRejected(() -> with(module, "path", "lib/../../etc/passwd"), "path", "unsafe segment '..'");
        assertRejected(() -> with(module, "path", "lib/./x"), "path", "unsafe segment '.'");
        assertRejected(() -> with(module, "path", "lib//x"), "path", "unsafe segment ''");
        assertRejected(() -> with(module, "path", "lib/"), "path", "relative path");
        assertRejected(() -> with(module, "path", "a\\b"), "path", "unsafe segment");
        assertRejected(() -> with(module, "path", ""), "path", "relative path");
        assertRejected(() -> with(module, "kind", null), "kind", "is required");
        assertRejected(() -> with(module, "sizeBytes", -1L), "sizeBytes", "zero or more");
        assertRejected(() -> with(module, "sha256", null), "sha256", "is required");
    }

    @Test
    void driverPackageResolutionHelpers() {
        assertThat(xrt.supports(OsInfo.of("linux", "5.15.0-91-generic"))).isTrue();
        assertThat(xrt.supports(OsInfo.of("linux", "6.9"))).isFalse();
        assertThat(xrt.supports(OsInfo.of("windows", null))).isFalse();
        assertThat(xrt.serves("resnet50-int8-u250-v1", "other", "other")).isTrue();
        assertThat(xrt.serves("p-9", "other", "alveo-u250")).isTrue();
        assertThat(xrt.serves("p-9", "other", "alveo-u280")).isFalse();
        assertThat(with(xrt, "version", "2.16.1000").compareVersion(xrt)).isPositive();
        assertThat(with(xrt, "version", "2.9").compareVersion(with(xrt, "version", "2.10")))
                .isNegative();
        assertThat(with(xrt, "version", "3.0.0-rc1").compareVersion(with(xrt, "version", "3.0.0")))
                .isNegative();
        assertThat(with(xrt, "version", "3.0").compareVersion(with(xrt, "version", "3.0.0")))
                .isZero();
    }

    @Test
    void driverPackageRules() {
        assertRejected(() -> with(xrt, "version", "latest"), "version", "such as 2.1.0");
        assertRejected(() -> with(xrt, "osFamily", "Linux"), "osFamily", "lower-case");
        assertRejected(() -> with(xrt, "kernels", null), "kernels", "is required");
        assertRejected(() -> with(xrt, "architecture", "i386"), "architecture", "one of x86_64");
        assertRejected(() -> with(xrt, "serves", List.of()), "serves", "at least one");
        assertRejected(() -> with(xrt, "serves", List.of("family:")), "serves[0]", "letters");
        assertRejected(() -> with(xrt, "files", List.of()), "files", "at least one");
        assertRejected(() -> with(xrt, "files", List.of(module, module)), "files[1].path", "duplicate");
        assertRejected(() -> with(xrt, "loadInstructions", List.of(" ")), "loadInstructions[0]", "blank");
        assertRejected(() -> with(xrt, "archiveSha256", null), "archiveSha256", "is required");
        assertRejected(() -> with(xrt, "sizeBytes", 0L), "sizeBytes", "greater than zero");
        assertRejected(() -> with(xrt, "signature", "not base64!"), "signature", "base64");
        assertRejected(() -> with(xrt, "signature", null), "signature", "is required");
        assertRejected(() -> with(xrt, "id", "x y"), "id", "letters");
        assertRejected(() -> with(xrt, "storedAt", null), "storedAt", "is required");
    }
}
