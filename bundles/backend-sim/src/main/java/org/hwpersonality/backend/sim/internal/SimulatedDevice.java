package org.hwpersonality.backend.sim.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.artifact.SimImage;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.BackendException.Kind;
import org.hwpersonality.api.backend.CardOffer;
import org.hwpersonality.api.backend.DeviceDescriptor;
import org.hwpersonality.api.backend.ProgrammingRequest;
import org.hwpersonality.api.backend.ProgrammingResult;
import org.hwpersonality.api.backend.RegionDescriptor;
import org.hwpersonality.api.device.DeviceHealth;
import org.hwpersonality.api.device.PciAddress;
import org.hwpersonality.api.device.RegionKind;

/**
 * One simulated FPGA card: a static shell (family and interface ID) with reconfigurable regions, a configuration
 * port that programs one region at a time at its modelled speed, injected faults, and telemetry of what is loaded.
 * It sits at a synthetic PCI address (its management function, .0); region {@code r} is reached by a guest through
 * function {@code r + 1} of it (slot {@code r / 7}, as functions end at 7), as a real card's user function or an
 * OPAE port's virtual functions are.
 *
 * <p>Clocks: an image declares the clocks it was built for and the figures it delivers at them. A profile's clock
 * settings retime it (as an xclbin's CLOCK_FREQ_TOPOLOGY or OPAE's user clocks do); the design then runs at the
 * pace of its slowest clock relative to its build: with {@code r} the least ratio of set to declared frequency,
 * throughput × r, latency ÷ r, power × r (dynamic power follows the clock). A clock the image does not declare is
 * refused; an image that declares none (written before clocks were declared) runs as built whatever is set.
 */
public final class SimulatedDevice {
    /** What a region holds: the image, at the clocks it was set to (MHz by name). */
    private record Loaded(Sha256 sha256, SimImage image, Map<String, Double> clocksMhz, Instant at) {}

    private static final class Region {
        final String id;
        final RegionKind kind;
        final Resources capacity;
        Optional<Loaded> loaded = Optional.empty();
        /**
         * The images whose designs ran here since the last clear: their data may still be in the card memory, which a
         * programming does not wipe (a clear does). And the most card memory (MiB) their memory maps used.
         */
        final java.util.Set<Sha256> residue = new java.util.LinkedHashSet<>();

        long mappedMb;

        Region(String id, RegionKind kind, Resources capacity) {
            this.id = id;
            this.kind = kind;
            this.capacity = capacity;
        }
    }

    private final String id;
    private final String vendor;
    private final String model;
    private final String family;
    private final String interfaceId;
    private final List<Region> regions;
    private final PortModel port;
    private final FaultModel faults;
    private final Telemetry telemetry;
    private final SplittableRandom random;
    /** The noise of guest readings: its own stream, so that refreshing them does not shift the fault draws. */
    private final SplittableRandom guestNoise;

    private final Clock clock;
    private final PciAddress address;
    private final CardOffer offer;

    /** A card; it refuses memory maps and peripherals it does not have ({@link CardOffer}). */
    public SimulatedDevice(
            String id,
            String vendor,
            String model,
            String family,
            String interfaceId,
            RegionKind kind,
            int regionCount,
            Resources regionCapacity,
            PortModel port,
            FaultModel faults,
            Telemetry telemetry,
            long seed,
            Clock clock,
            PciAddress address,
            CardOffer offer) {
        this.offer = java.util.Objects.requireNonNull(offer, "offer");
        this.id = id;
        this.address = address;
        if (regionCount > 32 * 7) {
            throw new IllegalArgumentException("a simulated card has at most " + 32 * 7 + " regions");
        }
        this.vendor = vendor;
        this.model = model;
        this.family = family;
        this.interfaceId = interfaceId;
        if (kind == RegionKind.FULL && regionCount != 1) {
            throw new IllegalArgumentException("a device with a FULL region has exactly one region");
        }
        this.regions = java.util.stream.IntStream.range(0, regionCount)
                .mapToObj(i -> new Region(Integer.toString(i), kind, regionCapacity))
                .toList();
        this.port = port;
        this.faults = faults;
        this.telemetry = telemetry;
        this.random = new SplittableRandom(seed);
        this.guestNoise = new SplittableRandom(~seed);
        this.clock = clock;
    }

    public String id() {
        return id;
    }

    /** The function a guest reaches region {@code r} through. */
    PciAddress guestFunction(int r) {
        return new PciAddress(address.domain(), address.bus(), address.slot() + r / 7, r % 7 + 1);
    }

    public String vendor() {
        return vendor;
    }

    public synchronized DeviceDescriptor descriptor() {
        return new DeviceDescriptor(
                id,
                vendor,
                model,
                family,
                interfaceId,
                regions.stream()
                        .map(r -> new RegionDescriptor(
                                r.id,
                                r.kind,
                                r.capacity,
                                r.loaded.map(Loaded::sha256),
                                Optional.empty(),
                                Optional.of(guestFunction(Integer.parseInt(r.id)))))
                        .toList(),
                DeviceHealth.OK);
    }

    /** Refuses an image built for another shell or family, naming both. */
    void check(SimImage image) {
        if (!image.family().equals(family)) {
            throw new BackendException(
                    Kind.INCOMPATIBLE,
                    "image '" + image.name() + "' is built for family " + image.family() + ", device " + id + " is "
                            + family);
        }
        image.interfaceId().filter(i -> !i.equals(interfaceId)).ifPresent(i -> {
            throw new BackendException(
                    Kind.INCOMPATIBLE,
                    "image '" + image.name() + "' is built for interface " + i + ", device " + id + " has interface "
                            + interfaceId);
        });
    }

    /**
     * Programs a region. The port serves one region at a time (the method holds the device), and takes the
     * modelled time; a failure leaves the region as it was, a hang leaves it unknown (reported empty).
     */
    public synchronized ProgrammingResult program(ProgrammingRequest request) {
        // The port streams the image while the shell checks it: reading and checking happen within the modelled time.
        long start = System.nanoTime();
        Region region = region(request.regionId());
        SimImage image = read(request.image());
        check(image);
        offer.check(request.memoryMap(), request.peripherals(), id);
        if (image.regionKind() != region.kind) {
            throw new BackendException(
                    Kind.INCOMPATIBLE,
                    "image '" + image.name() + "' is a " + image.regionKind() + " image, region " + region.id + " of "
                            + id + " is " + region.kind);
        }
        Map<String, Double> clocks = clocks(image, request);
        if (region.loaded
                .map(l -> l.sha256().equals(request.imageSha256())
                        && l.clocksMhz().equals(clocks))
                .orElse(false)) {
            return new ProgrammingResult(0, true);
        }
        long size = size(request.image());
        switch (faults.draw(random)) {
            case FAILURE -> {
                waitUntil(start + port.programmingTime(size).toNanos());
                throw new BackendException(
                        Kind.DEVICE_ERROR,
                        "programming region " + region.id + " of " + id
                                + " failed: the shell rejected the configuration (injected fault); the region is unchanged");
            }
            case HANG -> {
                waitUntil(start + faults.timeout().toNanos());
                region.loaded = Optional.empty();
                throw new BackendException(
                        Kind.TIMEOUT,
                        "device " + id + " did not answer within "
                                + faults.timeout().toMillis() + " ms (injected hang); region " + region.id
                                + " is unknown");
            }
            case SUCCESS -> waitUntil(start + port.programmingTime(size).toNanos());
        }
        region.loaded = Optional.of(new Loaded(request.imageSha256(), image, clocks, clock.instant()));
        region.residue.add(request.imageSha256());
        region.mappedMb = Math.max(region.mappedMb, request.memoryMap().totalMb());
        return new ProgrammingResult((System.nanoTime() - start) / 1e6, false);
    }

    /**
     * Clears a region: its design unloaded and the card memory its designs mapped overwritten, in the port model's
     * clearing time (the port is busy meanwhile, as while programming).
     */
    public synchronized void clear(String regionId) {
        Region region = region(regionId);
        long start = System.nanoTime();
        waitUntil(start + port.clearingTime(region.mappedMb * 1024 * 1024).toNanos());
        region.loaded = Optional.empty();
        region.residue.clear();
        region.mappedMb = 0;
    }

    /** The images whose data may still be in a region's card memory: those run there since its last clear. */
    public synchronized java.util.Set<Sha256> residue(String regionId) {
        return java.util.Set.copyOf(region(regionId).residue);
    }

    /** What the workload sees on the region's image now, if the image declares figures for it. */
    public synchronized Optional<PerformanceFigures> measure(String regionId, String workload) {
        return observe(region(regionId), workload, random);
    }

    /**
     * What a guest measures now on each region, by region ID: the figures of {@link #measure} for the workload the
     * guest is taken to run ({@link #guestWorkload}); empty where nothing is loaded or the image declares no figures.
     */
    public synchronized Map<String, Optional<GuestReading>> guestReadings() {
        Map<String, Optional<GuestReading>> readings = new java.util.LinkedHashMap<>();
        for (Region region : regions) {
            readings.put(
                    region.id,
                    region.loaded.flatMap(l -> guestWorkload(l.image())
                            .flatMap(
                                    w -> observe(region, w, guestNoise).map(f -> new GuestReading(l.sha256(), w, f)))));
        }
        return readings;
    }

    /**
     * The workload a guest is taken to run on an image (the simulator does not know the VM's): the one the image
     * serves best, with the highest declared throughput; among equals the first by name.
     */
    static Optional<String> guestWorkload(SimImage image) {
        return image.performance().entrySet().stream()
                .sorted(Map.Entry.<String, PerformanceFigures>comparingByValue(
                                java.util.Comparator.comparingDouble(PerformanceFigures::throughputGops)
                                        .reversed())
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    private Optional<PerformanceFigures> observe(
            Region region, String workload, java.util.random.RandomGenerator noise) {
        return region.loaded.flatMap(l -> Optional.ofNullable(
                        l.image().performance().get(workload))
                .map(declared -> telemetry.observe(
                        retimed(declared, l.image().clocksMhz(), l.clocksMhz()),
                        Duration.between(l.at(), clock.instant()),
                        noise)));
    }

    /**
     * The clocks an image runs at under a request: its declared clocks with the request's settings applied. A
     * clock the image does not declare is refused, naming the ones it has.
     */
    static Map<String, Double> clocks(SimImage image, ProgrammingRequest request) {
        if (image.clocksMhz().isEmpty()) {
            return Map.of();
        }
        Map<String, Double> clocks = new TreeMap<>(image.clocksMhz());
        for (org.hwpersonality.api.profile.ClockSetting c : request.clocks()) {
            if (!clocks.containsKey(c.name())) {
                throw new BackendException(
                        Kind.INCOMPATIBLE,
                        "the profile sets clock '" + c.name() + "' but image '" + image.name() + "' has only "
                                + String.join(
                                        ", ",
                                        new java.util.TreeSet<>(
                                                image.clocksMhz().keySet())));
            }
            clocks.put(c.name(), c.frequencyMhz());
        }
        return Map.copyOf(clocks);
    }

    /** The figures of a design built at {@code declared} clocks running at {@code set} ones. */
    static PerformanceFigures retimed(
            PerformanceFigures figures, Map<String, Double> declared, Map<String, Double> set) {
        double r = 1;
        boolean any = false;
        for (Map.Entry<String, Double> c : declared.entrySet()) {
            double ratio = set.getOrDefault(c.getKey(), c.getValue()) / c.getValue();
            r = any ? Math.min(r, ratio) : ratio;
            any = true;
        }
        return r == 1
                ? figures
                : new PerformanceFigures(
                        figures.throughputGops() * r, figures.latencyUs() / r, figures.powerWatts() * r);
    }

    private Region region(String regionId) {
        return regions.stream()
                .filter(r -> r.id.equals(regionId))
                .findFirst()
                .orElseThrow(() -> new BackendException(
                        Kind.UNKNOWN_DEVICE, "device " + id + " has no region '" + regionId + "'"));
    }

    static SimImage read(Path image) {
        try (InputStream in = Files.newInputStream(image)) {
            return SimImage.read(new java.io.BufferedInputStream(in));
        } catch (ValidationException e) {
            throw new BackendException(Kind.CORRUPT_IMAGE, image.getFileName() + ": " + e.reason());
        } catch (NoSuchFileException e) {
            throw new BackendException(Kind.CORRUPT_IMAGE, "image file " + image + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path image) {
        try {
            return Files.size(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sleeps until {@code deadline} (System.nanoTime), precisely: parks, then spins the last 100 µs. */
    private static void waitUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 100_000) {
            LockSupport.parkNanos(left - 50_000);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new BackendException(Kind.TIMEOUT, "programming interrupted");
            }
        }
        while (deadline - System.nanoTime() > 0) {
            Thread.onSpinWait();
        }
    }
}
