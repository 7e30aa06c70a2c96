package org.hwpersonality.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.allocation.MatchResult;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceHealth;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.WorkloadProfile;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.service.MatchIndex;
import org.hwpersonality.api.service.MatchOptions;
import org.hwpersonality.matcher.internal.DefaultMatcher;
import org.hwpersonality.repository.internal.SampleCatalogue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Matching at scale: {@code profiles} profiles (the 13 samples, each copied with its figures scaled by 0.5–2 and
 * spread over 4 variants of each sample workload: 20 workloads) against {@code devices} devices (the six sample
 * families, one to four regions, 30 % of regions ACTIVE), one request at a time from 4,096 pre-built requests with
 * random floors and ceilings drawn from the profiles' own figures. Driver availability is answered from a
 * concurrent map, as the management service's cache does. Run single-threaded, the throughput is per core.
 *
 * <pre>
 * java -jar benchmarks/target/hwp-benchmarks.jar MatchBenchmark -f 1 -wi 3 -i 5 -t 1
 * </pre>
 *
 * The setup prints the heap the index holds (profiles included), measured after full collections.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MatchBenchmark {
    @Param("100000")
    int profiles;

    @Param("10000")
    int devices;

    private MatchIndex index;
    private PersonalityRequest[] requests;
    private MatchOptions options;
    private int next;

    /** The families of the samples: vendor, family, region kind, regions per card, region capacity. */
    private record Family(String vendor, String family, RegionKind kind, int regions, Resources capacity) {}

    private static final List<Family> FAMILIES = List.of(
            new Family(
                    "xilinx",
                    "alveo-u250",
                    RegionKind.FULL,
                    1,
                    new Resources(1_300_000, 2_600_000, 2_000, 11_500, 65_536)),
            new Family(
                    "xilinx", "alveo-u250", RegionKind.PARTIAL, 2, new Resources(400_000, 800_000, 600, 2_000, 8_192)),
            new Family(
                    "xilinx",
                    "alveo-u55c",
                    RegionKind.FULL,
                    1,
                    new Resources(1_300_000, 2_600_000, 2_000, 9_000, 16_384)),
            new Family(
                    "xilinx", "alveo-u55c", RegionKind.PARTIAL, 4, new Resources(300_000, 600_000, 400, 2_000, 4_096)),
            new Family("xilinx", "alveo-u30", RegionKind.FULL, 1, new Resources(500_000, 1_000_000, 900, 2_500, 8_192)),
            new Family(
                    "intel", "agilex-f", RegionKind.FULL, 1, new Resources(1_000_000, 2_000_000, 7_000, 4_500, 32_768)),
            new Family("intel", "pac-a10", RegionKind.FULL, 1, new Resources(430_000, 860_000, 2_700, 1_500, 8_192)));

    private record DriverQuestion(String personalityId, OsInfo os) {}

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(42);
        long before = usedHeap();
        index = new DefaultMatcher().newIndex();
        List<PersonalityProfile> samples = SampleCatalogue.profiles(Instant.parse("2026-11-25T00:00:00Z"));
        List<PersonalityProfile> batch = new ArrayList<>();
        List<String> workloads = new ArrayList<>();
        List<PerformanceFigures> figures = new ArrayList<>();
        for (int i = 0; i < profiles; i++) {
            PersonalityProfile s = samples.get(i % samples.size());
            double scale = 0.5 + 1.5 * random.nextDouble();
            int variant = random.nextInt(4);
            List<WorkloadProfile> served = s.workloads().stream()
                    .map(w -> new WorkloadProfile(
                            w.workload() + "-" + variant,
                            new PerformanceFigures(
                                    w.performance().throughputGops() * scale,
                                    w.performance().latencyUs() / scale,
                                    w.performance().powerWatts() * (0.8 + 0.4 * random.nextDouble()))))
                    .toList();
            served.forEach(w -> {
                workloads.add(w.workload());
                figures.add(w.performance());
            });
            batch.add(new PersonalityProfile(
                    "bench-" + i + "-v1",
                    "bench-" + i,
                    1,
                    s.description(),
                    s.compatibility(),
                    served,
                    s.osSupport(),
                    s.fabric(),
                    s.memoryMap(),
                    s.peripherals(),
                    s.tunables(),
                    s.origin(),
                    s.lineage(),
                    s.status(),
                    s.createdAt()));
            if (batch.size() == 10_000) {
                index.putProfiles(batch);
                batch.clear();
            }
        }
        index.putProfiles(batch);
        List<Device> fleet = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            Family f = FAMILIES.get(i % FAMILIES.size());
            List<Region> regions = new ArrayList<>();
            for (int r = 0; r < f.regions(); r++) {
                RegionState state = random.nextDouble() < 0.3 ? RegionState.ACTIVE : RegionState.FREE;
                regions.add(new Region(
                        String.valueOf(r), f.kind(), f.capacity(), state, Optional.empty(), Optional.empty()));
            }
            fleet.add(new Device(
                    String.format("card-%05d", i),
                    f.vendor(),
                    "bench",
                    f.family(),
                    "a7c3e1f0b25011ee8c900242ac120251",
                    "sim",
                    DeviceState.ONLINE,
                    DeviceHealth.OK,
                    regions,
                    "node-1",
                    String.format("card-%05d", i)));
        }
        index.putDevices(fleet);
        fleet.clear();
        System.out.printf(
                "%nIndex: %d profiles, %d devices, %.1f MB of heap%n",
                index.profileCount(), index.deviceCount(), (usedHeap() - before) / 1e6);

        requests = new PersonalityRequest[4096];
        for (int i = 0; i < requests.length; i++) {
            int pick = random.nextInt(workloads.size());
            PerformanceFigures f = figures.get(pick);
            double t = random.nextDouble();
            Requirements r = new Requirements(
                    Optional.of(f.throughputGops() * (0.5 + 0.5 * random.nextDouble())),
                    t < 0.5 ? Optional.of(f.latencyUs() * 1.5) : Optional.empty(),
                    t < 0.3 ? Optional.of(f.powerWatts() * 1.2) : Optional.empty(),
                    Optional.empty());
            requests[i] = new PersonalityRequest("vm-" + i, OsInfo.of("linux", "5.15.0"), workloads.get(pick), r);
        }
        Map<DriverQuestion, Boolean> drivers = new ConcurrentHashMap<>();
        options = MatchOptions.of((p, os) -> {
            DriverQuestion q = new DriverQuestion(p.personalityId(), os);
            Boolean known = drivers.get(q);
            return known != null ? known : drivers.computeIfAbsent(q, k -> p.supports(os));
        });
    }

    private static long usedHeap() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    public MatchResult match() {
        return index.match(requests[next++ & (requests.length - 1)], options);
    }
}
