package org.hwpersonality.api.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hwpersonality.api.Rejections.assertRejected;
import static org.hwpersonality.api.Samples.with;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.Samples;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.api.device.DeviceHealth;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.profile.MemoryMap;
import org.junit.jupiter.api.Test;

class BackendTypesTest {
    private final RegionDescriptor region =
            new RegionDescriptor("0", RegionKind.FULL, Samples.resources(), Optional.empty(), Optional.empty());

    @Test
    void deviceDescriptorRules() {
        DeviceDescriptor d = new DeviceDescriptor(
                "0000:3b:00.1",
                "xilinx",
                "xilinx_u250_gen3x16_xdma_shell_4_1",
                "alveo-u250",
                Samples.INTERFACE_ID,
                List.of(region),
                DeviceHealth.OK);
        assertThat(d.regions()).containsExactly(region);
        assertRejected(() -> with(d, "interfaceId", "zz"), "interfaceId", "UUID");
        assertRejected(() -> with(d, "regions", List.of()), "regions", "at least one");
        assertRejected(() -> with(d, "regions", List.of(region, region)), "regions[1].id", "duplicate");
        assertRejected(() -> with(d, "health", null), "health", "is required");
        assertRejected(() -> with(region, "loadedImageUuid", null), "loadedImageUuid", "is required");
    }

    @Test
    void imageDescriptorRules() {
        ImageDescriptor image = new ImageDescriptor(
                ImageFormat.XCLBIN, Optional.of(Samples.INTERFACE_ID), Optional.empty(), 4096, Map.of("kernel", 300.0));
        assertThat(image.clocksMhz()).containsEntry("kernel", 300.0);
        assertRejected(() -> with(image, "sizeBytes", 0L), "sizeBytes", "greater than zero");
        assertRejected(() -> with(image, "imageUuid", Optional.of("x")), "imageUuid", "UUID");
        assertRejected(() -> with(image, "clocksMhz", Map.of("kernel", -1.0)), "clocksMhz.kernel", "greater than zero");
        assertRejected(() -> with(image, "format", null), "format", "is required");
    }

    @Test
    void programmingRequestRules() {
        ProgrammingRequest request =
                new ProgrammingRequest("d", "0", Path.of("/tmp/x"), Samples.IMAGE, "p-1", null, null, null);
        assertThat(request.memoryMap()).isEqualTo(MemoryMap.EMPTY);
        assertThat(request.clocks()).isEmpty();
        assertRejected(() -> with(request, "image", null), "image", "is required");
        assertRejected(() -> with(request, "imageSha256", null), "imageSha256", "is required");
        assertRejected(() -> with(request, "regionId", "?"), "regionId", "letters");
        assertRejected(() -> new ProgrammingResult(-1, false), "durationMs", "zero or more");
    }

    @Test
    void backendFailuresMapToContractCodes() {
        assertThat(new BackendException(BackendException.Kind.INCOMPATIBLE, "m").code())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(new BackendException(BackendException.Kind.CORRUPT_IMAGE, "m").code())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(new BackendException(BackendException.Kind.UNKNOWN_DEVICE, "m").code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        BackendException timeout = new BackendException(BackendException.Kind.TIMEOUT, "m", new InterruptedException());
        assertThat(timeout.kind()).isEqualTo(BackendException.Kind.TIMEOUT);
        assertThat(timeout.getCause()).isInstanceOf(InterruptedException.class);
        assertThat(ReconfigurationBackend.VENDOR_PROPERTY).isEqualTo("hwp.vendor");
    }
}
