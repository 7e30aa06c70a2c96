package org.hwpersonality.api.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hwpersonality.api.Rejections.assertRejected;
import static org.hwpersonality.api.Samples.with;

import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.Samples;
import org.junit.jupiter.api.Test;

class DeviceTest {
    private final Region r0 = Region.free("0", RegionKind.PARTIAL, Samples.resources());
    private final Region r1 = new Region(
            "1",
            RegionKind.PARTIAL,
            Samples.resources(),
            RegionState.ACTIVE,
            Optional.of("p-1"),
            Optional.of(Samples.IMAGE));
    private final Device device = new Device(
            "sim-0",
            "sim",
            "Simulated U250",
            "alveo-u250",
            Samples.INTERFACE_ID,
            "sim",
            DeviceState.ONLINE,
            DeviceHealth.OK,
            List.of(r0, r1),
            "node-1",
            "sim-0");

    @Test
    void deviceQueries() {
        assertThat(device.region("1")).contains(r1);
        assertThat(device.region("9")).isEmpty();
        assertThat(device.regionsUsed()).isEqualTo(1);
        assertThat(device.acceptsAllocations()).isTrue();
        assertThat(with(device, "state", DeviceState.DRAINING).acceptsAllocations())
                .isFalse();
        assertThat(with(device, "health", new DeviceHealth(false, "over temperature", Optional.of(101.0)))
                        .acceptsAllocations())
                .isFalse();
        assertThat(with(device, "interfaceId", "8C2E0B3A-9D4F-4E1B-8A6C-5D7E9F0A1B2C")
                        .interfaceId())
                .isEqualTo(Samples.INTERFACE_ID);
        Region reserved = new Region(
                "0", RegionKind.PARTIAL, Samples.resources(), RegionState.RESERVED, Optional.empty(), Optional.empty());
        assertThat(device.withRegion(reserved).regions())
                .as("one region replaced, in place")
                .containsExactly(reserved, r1);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> device.withRegion(Region.free("9", RegionKind.PARTIAL, Samples.resources())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no region 9");
    }

    @Test
    void deviceRules() {
        assertRejected(() -> with(device, "id", " "), "id", "letters");
        assertRejected(() -> with(device, "vendor", "SIM"), "vendor", "lower-case");
        assertRejected(() -> with(device, "model", ""), "model", "blank");
        assertRejected(() -> with(device, "interfaceId", "xyz"), "interfaceId", "UUID");
        assertRejected(() -> with(device, "backend", null), "backend", "is required");
        assertRejected(() -> with(device, "state", null), "state", "is required");
        assertRejected(() -> with(device, "health", null), "health", "is required");
        assertRejected(() -> with(device, "regions", List.of()), "regions", "at least one");
        assertRejected(() -> with(device, "regions", List.of(r0, r0)), "regions[1].id", "duplicate");
        Region full = Region.free("f", RegionKind.FULL, Samples.resources());
        assertRejected(
                () -> with(device, "regions", List.of(full, r0)),
                "regions",
                "FULL region must be the device's only region");
        assertThat(with(device, "regions", List.of(full)).regions()).containsExactly(full);
    }

    @Test
    void regionRules() {
        assertThat(RegionState.FREE.isAllocatable()).isTrue();
        assertThat(RegionState.FAILED.isAllocatable()).isFalse();
        assertRejected(() -> with(r0, "id", ""), "id", "letters");
        assertRejected(() -> with(r0, "kind", null), "kind", "is required");
        assertRejected(() -> with(r0, "capacity", null), "capacity", "is required");
        assertRejected(() -> with(r0, "state", null), "state", "is required");
        assertRejected(() -> with(r0, "loadedPersonalityId", Optional.of("a b")), "loadedPersonalityId", "letters");
        assertRejected(() -> with(r0, "loadedImage", null), "loadedImage", "is required");
    }

    @Test
    void healthRules() {
        assertRejected(() -> new DeviceHealth(true, "ok", Optional.of(Double.NaN)), "temperatureCelsius", "finite");
        assertRejected(() -> new DeviceHealth(true, "ok", null), "temperatureCelsius", "is required");
        assertThat(new DeviceHealth(true, null, Optional.empty()).message()).isEmpty();
    }
}
