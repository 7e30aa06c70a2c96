package org.hwpersonality.management.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.artifact.DriverFile;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.profile.Compatibility;
import org.hwpersonality.api.profile.FabricConfiguration;
import org.hwpersonality.api.profile.Lineage;
import org.hwpersonality.api.profile.MemoryMap;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.OsSupport;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.profile.WorkloadProfile;
import org.hwpersonality.api.service.DriverCheck;
import org.hwpersonality.api.service.DriverRepository;
import org.junit.jupiter.api.Test;

/** {@link DriverCache}: snapshots kept while the package list is unchanged, answers as from every package. */
class DriverCacheTest {
    private static final Sha256 DIGEST = Sha256.of(String.format("%064x", 7));
    private static final OsInfo LINUX_5 = OsInfo.of("linux", "5.15.0");
    private static final OsInfo LINUX_3 = OsInfo.of("linux", "3.10.0");
    private static final OsInfo WINDOWS = OsInfo.of("windows", null);

    /** A repository whose list the test changes; counts the reads. */
    private static final class Packages implements DriverRepository {
        volatile List<DriverPackage> list = List.of();
        int reads;

        @Override
        public List<DriverPackage> list() {
            reads++;
            return new ArrayList<>(list); // a fresh list of the same packages, as a repository reads it
        }

        @Override
        public DriverPackage add(InputStream archive, String fileName) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<DriverPackage> resolve(String personalityId, OsInfo os) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<DriverPackage> find(String packageId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void remove(String packageId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream open(String packageId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] publicKey() {
            return new byte[0];
        }
    }

    private static DriverPackage pkg(String name, String os, String kernels, String... serves) {
        return new DriverPackage(
                name + "-1.0",
                name,
                "1.0",
                os,
                KernelRange.parse(kernels),
                "x86_64",
                List.of(serves),
                List.of(new DriverFile("lib/" + name + ".ko", DriverFile.Kind.values()[0], 1, DIGEST)),
                List.of(),
                DIGEST,
                1,
                "c2lnbmF0dXJl",
                Instant.EPOCH);
    }

    private static PersonalityProfile profile(String id, String name, String family, Optional<Lineage> lineage) {
        return new PersonalityProfile(
                id,
                name,
                1,
                "",
                new Compatibility("xilinx", family, Set.of()),
                List.of(new WorkloadProfile("compression", new PerformanceFigures(40, 100, 40))),
                List.of(new OsSupport("linux", KernelRange.ANY, "drv")),
                new FabricConfiguration(DIGEST, RegionKind.FULL, new Resources(1, 1, 1, 1, 1), List.of()),
                MemoryMap.EMPTY,
                List.of(),
                List.of(),
                lineage.isPresent() ? Origin.DERIVED : Origin.ADMIN,
                lineage,
                ProfileStatus.ACTIVE,
                Instant.EPOCH);
    }

    @Test
    void anUnchangedListKeepsTheSnapshotAndAChangedOneReplacesIt() {
        Packages repo = new Packages();
        repo.list = List.of(pkg("drv", "linux", "[5.4,6.9)", "family:alveo-u250"));
        DriverCache cache = new DriverCache(repo);
        DriverCheck first = cache.current();

        cache.refresh();
        assertThat(cache.current()).isSameAs(first);

        repo.list = List.of(pkg("drv", "linux", "[5.4,6.9)", "family:alveo-u250"), pkg("win", "windows", "*", "p-v1"));
        cache.refresh();
        assertThat(cache.current()).isNotSameAs(first);
        assertThat(repo.reads).isEqualTo(3);
    }

    @Test
    void answersAsEveryPackageWouldByIdNameFamilyAndParent() {
        Packages repo = new Packages();
        repo.list = List.of(
                pkg("drv", "linux", "[5.4,6.9)", "family:alveo-u250"),
                pkg("win-id", "windows", "*", "p-v1"),
                pkg("win-name", "windows", "*", "named"));
        DriverCheck drivers = new DriverCache(repo).current();
        PersonalityProfile byFamily = profile("q-v1", "q", "alveo-u250", Optional.empty());
        PersonalityProfile otherFamily = profile("r-v1", "r", "agilex-7", Optional.empty());
        PersonalityProfile byId = profile("p-v1", "p", "agilex-7", Optional.empty());
        PersonalityProfile byName = profile("n-v1", "named", "agilex-7", Optional.empty());
        PersonalityProfile derived = profile(
                "d-v1",
                "named" + DriverCache.DERIVED_MARK + "abc",
                "agilex-7",
                Optional.of(new Lineage("x-v1", Map.of(), "r")));

        assertThat(drivers.hasDriver(byFamily, LINUX_5)).isTrue();
        assertThat(drivers.hasDriver(byFamily, LINUX_3)).isFalse(); // kernel outside the package's range
        assertThat(drivers.hasDriver(byFamily, WINDOWS)).isFalse();
        assertThat(drivers.hasDriver(otherFamily, LINUX_5)).isFalse();
        assertThat(drivers.hasDriver(byId, WINDOWS)).isTrue();
        assertThat(drivers.hasDriver(byId, LINUX_5)).isFalse();
        assertThat(drivers.hasDriver(byName, WINDOWS)).isTrue();
        assertThat(drivers.hasDriver(derived, WINDOWS)).isTrue(); // its parent's name is served
    }
}
