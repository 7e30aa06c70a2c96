package org.hwpersonality.api.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hwpersonality.api.Rejections.assertRejected;
import static org.hwpersonality.api.Samples.profile;
import static org.hwpersonality.api.Samples.with;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Samples;
import org.junit.jupiter.api.Test;

class PersonalityProfileTest {
    private final PersonalityProfile valid = profile();

    @Test
    void aValidProfileKeepsItsParts() {
        assertThat(valid.workload("ml-inference"))
                .map(w -> w.performance().throughputGops())
                .contains(120.0);
        assertThat(valid.workload("compression")).isEmpty();
        assertThat(valid.supports(OsInfo.of("linux", "5.15.0-91-generic"))).isTrue();
        assertThat(valid.supports(OsInfo.of("linux", "6.10"))).isFalse();
        assertThat(valid.supports(OsInfo.of("windows", null))).isFalse();
        assertThat(valid.status()).isEqualTo(ProfileStatus.ACTIVE);
        assertThat(valid.withStatus(ProfileStatus.RETIRED).status()).isEqualTo(ProfileStatus.RETIRED);
        assertThat(valid.withStatus(ProfileStatus.RETIRED).personalityId()).isEqualTo(valid.personalityId());
        PersonalityProfile copy = valid.withIdentity("copy-v2", "copy", 2);
        assertThat(copy.personalityId()).isEqualTo("copy-v2");
        assertThat(copy.version()).isEqualTo(2);
        assertThat(copy.workloads()).isEqualTo(valid.workloads());
        assertRejected(() -> valid.withIdentity("copy", "copy", 0), "version", "1 or more");
    }

    @Test
    void identityRules() {
        assertRejected(() -> with(valid, "personalityId", null), "personalityId", "is required");
        assertRejected(() -> with(valid, "personalityId", "../etc/passwd"), "personalityId", "letters, digits");
        assertRejected(() -> with(valid, "personalityId", "x".repeat(129)), "personalityId", "1 to 128");
        assertRejected(() -> with(valid, "name", "has space"), "name", "letters, digits");
        assertRejected(() -> with(valid, "version", 0), "version", "1 or more");
        assertRejected(() -> with(valid, "description", "x".repeat(4097)), "description", "at most 4096");
        assertRejected(() -> with(valid, "description", "bell\u0007"), "description", "control characters");
        assertThat(with(valid, "description", null).description()).isEmpty();
    }

    @Test
    void requiredParts() {
        assertRejected(() -> with(valid, "compatibility", null), "compatibility", "is required");
        assertRejected(() -> with(valid, "fabric", null), "fabric", "is required");
        assertRejected(() -> with(valid, "origin", null), "origin", "is required");
        assertRejected(() -> with(valid, "status", null), "status", "is required");
        assertRejected(() -> with(valid, "createdAt", null), "createdAt", "is required");
        assertRejected(() -> with(valid, "lineage", null), "lineage", "is required");
        assertThat(with(valid, "memoryMap", null).memoryMap()).isEqualTo(MemoryMap.EMPTY);
        assertThat(with(valid, "peripherals", null).peripherals()).isEmpty();
    }

    @Test
    void workloadRules() {
        assertRejected(() -> with(valid, "workloads", List.of()), "workloads", "at least one");
        assertRejected(() -> with(valid, "workloads", null), "workloads", "at least one");
        assertRejected(
                () -> with(valid, "workloads", Collections.singletonList(null)), "workloads[0]", "must not be null");
        WorkloadProfile w = valid.workloads().get(0);
        assertRejected(
                () -> with(valid, "workloads", List.of(w, w)),
                "workloads[1].workload",
                "duplicate value 'ml-inference'");
        assertRejected(() -> with(valid, "workloads", Collections.nCopies(65, w)), "workloads", "at most 64 entries");
    }

    @Test
    void osSupportIsRequired() {
        assertRejected(() -> with(valid, "osSupport", List.of()), "osSupport", "at least one");
    }

    @Test
    void peripheralsAndTunablesAreUniqueByName() {
        PeripheralSetting p = valid.peripherals().get(0);
        assertRejected(() -> with(valid, "peripherals", List.of(p, p)), "peripherals[1].name", "duplicate");
        Tunable t = valid.tunables().get(0);
        assertRejected(() -> with(valid, "tunables", List.of(t, t)), "tunables[1].name", "duplicate");
        assertRejected(() -> with(valid, "tunables", Collections.nCopies(17, t)), "tunables", "at most 16");
    }

    @Test
    void lineageGoesWithDerivedOriginOnly() {
        Lineage lineage = new Lineage("parent-v1", Map.of("kernelClockMhz", 250.0), "latency goal");
        assertRejected(() -> with(valid, "origin", Origin.DERIVED), "lineage", "required for a DERIVED");
        assertRejected(() -> with(valid, "lineage", Optional.of(lineage)), "lineage", "only allowed for a DERIVED");
        PersonalityProfile child = new PersonalityProfile(
                "child-v1",
                "child",
                1,
                "",
                valid.compatibility(),
                valid.workloads(),
                valid.osSupport(),
                valid.fabric(),
                valid.memoryMap(),
                valid.peripherals(),
                valid.tunables(),
                Origin.DERIVED,
                Optional.of(lineage),
                ProfileStatus.ACTIVE,
                valid.createdAt());
        assertThat(child.lineage()).contains(lineage);
        assertRejected(
                () -> with(child, "lineage", Optional.of(new Lineage("child-v1", Map.of(), ""))),
                "lineage.parentId",
                "own ID");
    }

    @Test
    void memoryMapMustFitTheDeclaredMemory() {
        FabricConfiguration small = new FabricConfiguration(
                Samples.IMAGE, valid.fabric().regionKind(), new Resources(1, 1, 1, 1, 512), List.of());
        assertRejected(
                () -> with(valid, "fabric", small), "memoryMap", "maps 1024 MiB but fabric.resources.memoryMb is 512");
    }

    @Test
    void partsValidateTheirOwnFields() {
        assertRejected(() -> new WorkloadProfile("ML", new PerformanceFigures(1, 1, 1)), "workload", "lower-case");
        assertRejected(() -> new WorkloadProfile("ml", null), "performance", "is required");
        assertRejected(() -> new OsSupport("Linux", KernelRange.ANY, "drv"), "family", "lower-case");
        assertRejected(() -> new OsSupport("linux", KernelRange.ANY, "bad name"), "driverName", "letters");
        assertThat(new OsSupport("linux", null, "drv").kernels()).isEqualTo(KernelRange.ANY);
        assertThat(new OsSupport("linux", KernelRange.parse("[5.4,)"), "drv").covers(OsInfo.of("linux", null)))
                .isTrue();
        assertRejected(() -> new ClockSetting("kernel", 0), "frequencyMhz", "greater than zero");
        assertRejected(() -> new ClockSetting("kernel", 5000), "frequencyMhz", "at most 2000");
        assertRejected(() -> new ClockSetting("", 100), "name", "letters");
        assertRejected(() -> new PeripheralSetting("qsfp0", Map.of(" ", "x")), "settings key", "blank");
        assertRejected(
                () -> new PeripheralSetting("qsfp0", Map.of("k", "v".repeat(4097))), "settings.k", "at most 4096");
        ClockSetting c = new ClockSetting("kernel", 300);
        assertRejected(
                () -> new FabricConfiguration(
                        Samples.IMAGE, valid.fabric().regionKind(), Samples.resources(), List.of(c, c)),
                "clocks[1].name",
                "duplicate");
        assertRejected(
                () -> new FabricConfiguration(null, valid.fabric().regionKind(), Samples.resources(), List.of()),
                "bitstream",
                "is required");
        assertRejected(
                () -> new FabricConfiguration(Samples.IMAGE, null, Samples.resources(), List.of()),
                "regionKind",
                "is required");
        assertRejected(
                () -> new FabricConfiguration(Samples.IMAGE, valid.fabric().regionKind(), null, List.of()),
                "resources",
                "is required");
        assertRejected(() -> new Lineage("p", Map.of("clock", Double.NaN), ""), "adjustments.clock", "finite");
        assertRejected(() -> new Lineage("p", null, ""), "adjustments", "is required");
    }
}
