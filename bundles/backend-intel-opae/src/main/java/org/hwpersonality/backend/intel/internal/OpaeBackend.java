package org.hwpersonality.backend.intel.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Settings;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.api.backend.BackendException;
import org.hwpersonality.api.backend.BackendException.Kind;
import org.hwpersonality.api.backend.CardOffer;
import org.hwpersonality.api.backend.CardReadings;
import org.hwpersonality.api.backend.CommandRunner;
import org.hwpersonality.api.backend.DeviceDescriptor;
import org.hwpersonality.api.backend.ImageDescriptor;
import org.hwpersonality.api.backend.ProgrammingRequest;
import org.hwpersonality.api.backend.ProgrammingResult;
import org.hwpersonality.api.backend.ReconfigurationBackend;
import org.hwpersonality.api.backend.RegionDescriptor;
import org.hwpersonality.api.backend.WorkloadCommand;
import org.hwpersonality.api.device.DeviceHealth;
import org.hwpersonality.api.device.PciAddress;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.profile.MemorySegment.MemoryKind;
import org.hwpersonality.api.profile.PeripheralSetting;
import org.hwpersonality.backend.intel.internal.FpgaInfo.Fme;
import org.hwpersonality.backend.intel.internal.FpgaInfo.Port;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The Intel back end: cards that the OPAE SDK drives (PAC Arria 10 GX, D5005, N3000, OFS Agilex cards), found with
 * {@code fpgainfo fme} / {@code fpgainfo port} and programmed with {@code fpgaconf}.
 *
 * <p>Every card is one device whose ID is the FME's PCIe address ({@code 0000:86:00.0}); it has one region,
 * {@value #REGION}, of kind {@link RegionKind#PARTIAL}: the PR region behind the FPGA Interface Unit that
 * {@code fpgaconf} reconfigures while the FIM (the shell, identified by its "Pr Interface Id") keeps running.
 *
 * <p>{@code fpgaconf} is addressed with its real options ({@code tools/fpgaconf/fpgaconf.c}): {@code -B/--bus},
 * {@code -D/--device}, {@code -F/--function} (parsed with {@code strtoul(…, 0)}, so {@code 0x86} is accepted) and
 * {@code --segment}, which only recent OPAE releases know; it is therefore passed only for a non-zero PCI segment,
 * so that OPAE 1.x tools keep working on the usual single-segment hosts.
 *
 * <p><b>Clearing.</b> OPAE has no tool that empties a PR region: the region keeps its AFU until it is reprogrammed.
 * {@link #clear} therefore programs a configured "blank" GBS (e.g. the FIM's {@code nlb_mode_0} or a do-nothing AFU
 * built for the same PR interface) when one is configured, and otherwise refuses with
 * {@link Kind#DEVICE_ERROR}, saying so, rather than pretending the region is empty.
 *
 * <p><b>What the region holds.</b> OPAE reports the AFU (accelerator) UUID loaded behind the port, not which file
 * was loaded; the back end remembers the SHA-256 of the images it programmed and reports it for as long as the
 * card still shows that image's AFU UUID.
 */
@Component(
        service = ReconfigurationBackend.class,
        property = ReconfigurationBackend.VENDOR_PROPERTY + "=" + OpaeBackend.VENDOR,
        configurationPid = OpaeBackend.PID)
@Designate(ocd = OpaeBackend.Config.class)
public class OpaeBackend implements ReconfigurationBackend {
    public static final String VENDOR = "intel";
    public static final String PID = "org.hwpersonality.backend.intel";
    /** The one region of every card. */
    public static final String REGION = "0";
    /** The API's identifier rule ({@code org.hwpersonality.api.internal} is not exported to back-end bundles). */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    /** Configuration of the Intel OPAE back end. */
    @ObjectClassDefinition(
            name = "HWP Intel OPAE back end",
            description = "Programs Intel FPGA cards with fpgaconf; discovers them with fpgainfo.")
    public @interface Config {
        @AttributeDefinition(description = "Path of the fpgainfo tool")
        String fpgainfoPath() default "/usr/bin/fpgainfo";

        @AttributeDefinition(description = "Path of the fpgaconf tool")
        String fpgaconfPath() default "/usr/bin/fpgaconf";

        @AttributeDefinition(description = "Path of OPAE's fpgasupdate (OFS cards load PR images with it)")
        String fpgasupdatePath() default "/usr/bin/fpgasupdate";

        @AttributeDefinition(
                description = "Card families programmed with 'fpgasupdate IMAGE BDF' (OFS documentation) instead of"
                        + " fpgaconf, separated by commas, e.g. agilex-f")
        String[] fpgasupdateFamilies() default {};

        @AttributeDefinition(description = "Path of OPAE's userclk (sets a profile's user clocks on the loaded AFU)")
        String userclkPath() default "/usr/bin/userclk";

        @AttributeDefinition(description = "Deadline of fpgainfo runs, ms")
        long toolTimeoutMs() default 30_000;

        @AttributeDefinition(description = "Deadline of an fpgaconf run, ms")
        long programmingTimeoutMs() default 120_000;

        @AttributeDefinition(
                description = "Family of cards whose fpgainfo output names no known board (pac-a10, pac-s10,"
                        + " pac-n3000, agilex-f …)")
        String family() default "pac-a10";

        @AttributeDefinition(
                description = "GBS programmed by 'clear'; empty: clear is refused (OPAE cannot empty" + " a PR region)")
        String blankGbs() default "";

        /*
         * PR-region capacity. Defaults: PAC with Arria 10 GX 1150 (427,200 ALMs, 2,713 M20K, 1,518 DSP blocks)
         * minus what the FIM takes (about 62,000 ALMs and 330 M20K per Intel's FPGA AI Suite sizing table for the
         * OPAE BSP): ALMs counted as LUTs, four registers per ALM, M20K converted to 36 Kb blocks, and the card's
         * 2 x 4 GB DDR4.
         */
        @AttributeDefinition(description = "PR region logic (ALMs counted as LUTs)")
        long regionLuts() default 365_200;

        @AttributeDefinition(description = "Region registers (flip-flops)")
        long regionRegisters() default 1_460_800;

        @AttributeDefinition(description = "PR region block RAM, in 36 Kb blocks")
        long regionBramBlocks() default 1_323;

        @AttributeDefinition(description = "Region DSP blocks")
        long regionDsps() default 1_518;

        @AttributeDefinition(description = "Card memory the AFU can use, MiB")
        long regionMemoryMb() default 8_192;

        @AttributeDefinition(
                description = "The host's benchmark that characterization runs on a loaded AFU, e.g."
                        + " /opt/bench/run-{workload}.sh {device}: it prints throughputGops=, latencyUs= and optionally"
                        + " powerWatts= lines (else the board's power sensors count). Empty: nothing is measured")
        String workloadCommand() default "";

        @AttributeDefinition(
                description = "Card memory kinds a profile's memory map may use (DDR, HBM …, KIND or KIND=MiB; a kind"
                        + " alone has the region's memory); empty: not checked")
        String memoryKinds() default "DDR";

        @AttributeDefinition(description = "Deadline of the workload command, ms")
        long workloadTimeoutMs() default 300_000;
    }

    private final CommandRunner runner = new CommandRunner();
    private final Path fpgainfo;
    private final Path fpgaconf;
    private final Duration toolTimeout;
    private final Duration programmingTimeout;
    private final String defaultFamily;
    private final Resources capacity;
    private final Optional<Path> blankGbs;
    private final Path fpgasupdate;
    private final java.util.Set<String> fpgasupdateFamilies;
    private final Path userclk;
    private final Optional<WorkloadCommand> workload;
    /** Card memory by kind (MiB); PAC, D5005 and N6001 cards have DDR4. */
    private Map<MemoryKind, Long> memoryKinds;

    private static final Pattern QSFP = Pattern.compile("(?i)\\bqsfp\\s*(\\d+)\\b");
    /** Image SHA-256 per device, for the AFU UUID it was programmed with. */
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();

    private final Object programming = new Object();

    /** What this back end loaded on a card: the AFU, from which image, at which user clocks (empty: as built). */
    private record Loaded(Optional<String> afuUuid, Sha256 sha, Optional<UserClocks> clocks) {}

    /** A card as fpgainfo shows it now. */
    private record Card(Fme fme, Optional<String> acceleratorId, Optional<PciAddress> guestFunction) {}

    @Activate
    public OpaeBackend(Config config) {
        this(
                Path.of(Settings.check(Config.class, config).fpgainfoPath()),
                Path.of(config.fpgaconfPath()),
                Duration.ofMillis(config.toolTimeoutMs()),
                Duration.ofMillis(config.programmingTimeoutMs()),
                config.family(),
                new Resources(
                        config.regionLuts(),
                        config.regionRegisters(),
                        config.regionBramBlocks(),
                        config.regionDsps(),
                        config.regionMemoryMb()),
                config.blankGbs().isBlank()
                        ? Optional.empty()
                        : Optional.of(Path.of(config.blankGbs().strip())),
                Path.of(config.fpgasupdatePath()),
                java.util.Set.copyOf(Settings.list(config.fpgasupdateFamilies())),
                Path.of(config.userclkPath()),
                WorkloadCommand.of(config.workloadCommand(), Duration.ofMillis(config.workloadTimeoutMs())));
        this.memoryKinds = CardOffer.parseMemory("memoryKinds", config.memoryKinds(), config.regionMemoryMb());
    }

    public OpaeBackend(
            Path fpgainfo,
            Path fpgaconf,
            Duration toolTimeout,
            Duration programmingTimeout,
            String family,
            Resources regionCapacity,
            Optional<Path> blankGbs,
            Path fpgasupdate,
            java.util.Set<String> fpgasupdateFamilies,
            Path userclk,
            Optional<WorkloadCommand> workload) {
        this.workload = Objects.requireNonNull(workload, "workload");
        this.memoryKinds = Map.of(MemoryKind.DDR, regionCapacity.memoryMb());
        this.userclk = Objects.requireNonNull(userclk, "userclk");
        this.fpgainfo = Objects.requireNonNull(fpgainfo, "fpgainfo");
        this.fpgasupdate = Objects.requireNonNull(fpgasupdate, "fpgasupdate");
        this.fpgasupdateFamilies = java.util.Set.copyOf(fpgasupdateFamilies);
        this.fpgaconf = Objects.requireNonNull(fpgaconf, "fpgaconf");
        this.toolTimeout = positive("toolTimeout", toolTimeout);
        this.programmingTimeout = positive("programmingTimeout", programmingTimeout);
        Objects.requireNonNull(family, "family");
        if (!ID.matcher(family).matches()) {
            throw new IllegalArgumentException("family must be an identifier (letters, digits, . _ : -): " + family);
        }
        this.defaultFamily = family;
        this.capacity = Objects.requireNonNull(regionCapacity, "regionCapacity");
        this.blankGbs = Objects.requireNonNull(blankGbs, "blankGbs");
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    @Override
    public List<DeviceDescriptor> discover() {
        List<DeviceDescriptor> devices = new ArrayList<>();
        for (Card card : cards()) {
            devices.add(describe(card)); // a card without a PR interface ID is listed, unhealthy, saying why
        }
        return devices;
    }

    @Override
    public DeviceDescriptor status(String deviceId) {
        return describe(card(deviceId));
    }

    @Override
    public ImageDescriptor inspect(Path image) {
        return describe(Gbs.read(image));
    }

    @Override
    public void validate(ImageDescriptor image, String deviceId) {
        Objects.requireNonNull(image, "image");
        if (image.format() != ImageFormat.GBS) {
            throw new BackendException(
                    Kind.INCOMPATIBLE, "device " + deviceId + " takes GBS images, not " + image.format());
        }
        validate(image.interfaceId(), card(deviceId));
    }

    @Override
    public ProgrammingResult program(ProgrammingRequest request) {
        Objects.requireNonNull(request, "request");
        requireRegion(request.deviceId(), request.regionId());
        Gbs gbs = Gbs.read(request.image());
        Optional<UserClocks> clocks = UserClocks.wanted(request.clocks(), gbs);
        synchronized (programming) {
            Card card = card(request.deviceId());
            String id = card.fme().address().toString();
            validate(Optional.of(gbs.interfaceUuid()), card);
            offer(card, request.peripherals()).check(request.memoryMap(), request.peripherals(), id);
            boolean holds = gbs.afuUuid().isPresent() && gbs.afuUuid().equals(card.acceleratorId());
            Loaded mine = loaded.get(id);
            // The clocks are known when this back end set them; else the AFU runs as fpgaconf loaded it, unless the
            // profile names clocks (then they are set again, which costs no reconfiguration).
            boolean known = mine != null && mine.afuUuid().equals(gbs.afuUuid());
            boolean clocksMatch = known
                    ? mine.clocks().equals(clocks) || clocks.isEmpty()
                    : request.clocks().isEmpty();
            if (holds && clocksMatch) {
                loaded.put(
                        id,
                        new Loaded(
                                gbs.afuUuid(),
                                request.imageSha256(),
                                known && clocks.isEmpty() ? mine.clocks() : clocks));
                return new ProgrammingResult(0, true);
            }
            long start = System.nanoTime();
            if (!holds) {
                configure(card, request.image(), gbs); // fpgaconf sets the clocks the GBS declares
            }
            if (clocks.isPresent() && (holds || !clocks.equals(UserClocks.wanted(List.of(), gbs)))) {
                setClocks(card, clocks.get());
            }
            double ms = (System.nanoTime() - start) / 1e6;
            loaded.put(id, new Loaded(gbs.afuUuid(), request.imageSha256(), clocks));
            return new ProgrammingResult(ms, false);
        }
    }

    /**
     * Runs userclk on the card's accelerator (the virtual function that holds the AFU under SR-IOV, else the port)
     * and checks that the card reports the clocks asked for. On failure the AFU's clocks are unknown: the next
     * request sets them again.
     */
    private void setClocks(Card card, UserClocks clocks) {
        PciAddress fme = card.fme().address();
        PciAddress at = card.guestFunction().orElse(fme);
        List<String> command = new ArrayList<>(List.of(userclk.toString()));
        if (at.domain() != 0) {
            command.add("--segment");
            command.add(hex(at.domain()));
        }
        command.addAll(List.of("-B", hex(at.bus()), "-D", hex(at.slot()), "-F", hex(at.function())));
        command.addAll(clocks.options());
        loaded.remove(fme.toString());
        CommandRunner.Result r = runner.run(command, toolTimeout);
        if (r.exitCode() != 0) {
            String said = (r.stderr() + "\n" + r.stdout())
                    .lines()
                    .filter(l -> l.contains("ERROR") || l.startsWith("Error"))
                    .limit(3)
                    .collect(Collectors.joining(" | "));
            throw new BackendException(
                    r.exitCode() == 4 ? Kind.UNKNOWN_DEVICE : Kind.DEVICE_ERROR,
                    "userclk could not set the user clocks of " + at + " to " + clocks + " (exit " + r.exitCode()
                            + (r.exitCode() == 4 ? ", no accelerator found there" : "") + "): " + said
                            + "; the AFU is loaded, its clocks are unknown");
        }
        UserClocks now = UserClocks.reported(r.stdout())
                .orElseThrow(() -> new BackendException(
                        Kind.DEVICE_ERROR, "userclk printed no frequencies for " + at + ": " + r.stdout()));
        if (!clocks.near(now)) {
            throw new BackendException(
                    Kind.DEVICE_ERROR, "userclk set " + clocks + " on " + at + " but the card reports " + now);
        }
    }

    @Override
    public void clear(String deviceId, String regionId) {
        requireRegion(deviceId, regionId);
        if (blankGbs.isEmpty()) {
            throw new BackendException(
                    Kind.DEVICE_ERROR,
                    "OPAE cannot clear the PR region of " + deviceId + ": the region keeps its AFU until it is"
                            + " reprogrammed; configure blankGbs (" + PID + ") to program a blank AFU instead");
        }
        Gbs gbs = Gbs.read(blankGbs.get());
        synchronized (programming) {
            Card card = card(deviceId);
            validate(Optional.of(gbs.interfaceUuid()), card);
            loaded.remove(card.fme().address().toString());
            if (gbs.afuUuid().isPresent() && gbs.afuUuid().equals(card.acceleratorId())) {
                return;
            }
            configure(card, blankGbs.get(), gbs);
        }
    }

    @Override
    public Optional<PerformanceFigures> measure(String deviceId, String regionId, String workload) {
        if (this.workload.isEmpty()) {
            return Optional.empty();
        }
        requireRegion(deviceId, regionId);
        Card card = card(deviceId);
        String id = card.fme().address().toString();
        if (card.acceleratorId().isEmpty()) {
            throw new BackendException(
                    Kind.DEVICE_ERROR, "device " + id + " shows no AFU: nothing to measure " + workload + " on");
        }
        WorkloadCommand.Measured measured = this.workload.get().run(workload, id, regionId);
        Optional<Double> boardPower = measured.powerWatts().isPresent()
                ? Optional.empty()
                : readings(id).flatMap(CardReadings::powerWatts);
        return Optional.of(measured.figures(boardPower, id));
    }

    /** {@code fpgainfo power} and {@code fpgainfo temp}: the card's BMC sensors ({@link BoardReadings}). */
    @Override
    public Optional<CardReadings> readings(String deviceId) {
        return Optional.of(BoardReadings.of(sensors(card(deviceId).fme().address())));
    }

    private List<FpgaInfo.Sensor> sensors(PciAddress address) {
        List<FpgaInfo.Sensor> sensors = new ArrayList<>();
        for (String command : List.of("power", "temp")) {
            sensors.addAll(FpgaInfo.parseSensors(fpgainfo(command)).getOrDefault(address, List.of()));
        }
        return sensors;
    }

    /**
     * What the card offers a profile: the configured memory kinds, and, when the profile sets peripherals, the QSFP
     * cages its BMC has sensors for ({@code QSFP0 Temperature}, {@code QSFP1 Supply Voltage} … name {@code qsfp0},
     * {@code qsfp1}); a card whose BMC names no numbered cage is not checked for peripherals.
     */
    private CardOffer offer(Card card, List<PeripheralSetting> wanted) {
        Optional<java.util.Set<String>> cages = Optional.empty();
        if (wanted != null && !wanted.isEmpty()) {
            List<FpgaInfo.Sensor> sensors = sensors(card.fme().address());
            if (!sensors.isEmpty()) {
                java.util.Set<String> names = new java.util.TreeSet<>();
                for (FpgaInfo.Sensor sensor : sensors) {
                    Matcher m = QSFP.matcher(sensor.name());
                    if (m.find()) {
                        names.add("qsfp" + m.group(1));
                    }
                }
                cages = names.isEmpty() ? Optional.empty() : Optional.of(names); // no numbered cage: unknown
            }
        }
        return new CardOffer(memoryKinds, cages);
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * Runs fpgaconf on the card (verbose, so that an interface mismatch names both IDs), then checks that the port
     * now shows the image's AFU. A failure says what its exit code means ({@link FpgaconfExit}).
     */
    private void configure(Card card, Path image, Gbs gbs) {
        PciAddress at = card.fme().address();
        if (fpgasupdateFamilies.contains(family(card.fme()))) {
            update(card, image);
            checkLoaded(card, image, gbs);
            return;
        }
        List<String> address = new ArrayList<>();
        if (at.domain() != 0) {
            address.add("--segment");
            address.add(hex(at.domain()));
        }
        address.addAll(List.of("-B", hex(at.bus()), "-D", hex(at.slot()), "-F", hex(at.function())));
        String file = image.toAbsolutePath().toString();
        try {
            List<String> verbose = new ArrayList<>(List.of(fpgaconf.toString(), "-V"));
            verbose.addAll(address);
            verbose.add(file);
            CommandRunner.Result r = runner.run(verbose, programmingTimeout);
            if (FpgaconfExit.refusedVerbose(r)) {
                List<String> plain = new ArrayList<>(List.of(fpgaconf.toString()));
                plain.addAll(address);
                plain.add(file);
                r = runner.run(plain, programmingTimeout); // OPAE 1.3 and older: -V is not an option
            }
            if (r.exitCode() != 0) {
                if (r.exitCode() == 5 && !r.stderr().contains("more than one suitable slot")) {
                    loaded.remove(at.toString()); // a failed reconfiguration: what the region holds is not known
                }
                throw FpgaconfExit.failure(r, at.toString(), file);
            }
        } catch (BackendException e) {
            if (e.kind() == Kind.TIMEOUT) {
                loaded.remove(at.toString());
                throw new BackendException(
                        Kind.TIMEOUT,
                        e.getMessage() + "; the PR region of " + at + " holds an unknown image until it is"
                                + " reprogrammed",
                        e);
            }
            throw e;
        }
        checkLoaded(card, image, gbs);
    }

    /**
     * {@code fpgasupdate IMAGE SSSS:BB:DD.F}, as the OFS documentation loads PR images: for a GBS it checks the PR
     * interface itself ("PR interface uuid mismatch.") and runs fpgaconf, whose exit code it returns; it logs to
     * standard output ({@code [time] [LEVEL   ] message}).
     */
    private void update(Card card, Path image) {
        PciAddress at = card.fme().address();
        String file = image.toAbsolutePath().toString();
        CommandRunner.Result r;
        try {
            r = runner.run(List.of(fpgasupdate.toString(), file, at.toString()), programmingTimeout);
        } catch (BackendException e) {
            if (e.kind() == Kind.TIMEOUT) {
                loaded.remove(at.toString());
            }
            throw e;
        }
        if (r.exitCode() == 0) {
            return;
        }
        String out = r.stdout() + r.stderr();
        if (out.contains("PR interface uuid mismatch")) {
            throw new BackendException(
                    Kind.INCOMPATIBLE,
                    "fpgasupdate refused " + file + " for " + at + ": PR interface uuid mismatch (the card has "
                            + card.fme()
                                    .prInterfaceId()
                                    .map(OpaeBackend::dashed)
                                    .orElse("none") + ")");
        }
        if (out.contains("No suitable PAC found") || out.contains("Failed to find PAC at")) {
            throw new BackendException(Kind.UNKNOWN_DEVICE, "fpgasupdate finds no card at " + at);
        }
        if (r.exitCode() == 5) {
            loaded.remove(at.toString());
        }
        throw FpgaconfExit.failure(r, at.toString(), file);
    }

    /** After a reported success: the port must show the image's AFU. */
    private void checkLoaded(Card card, Path image, Gbs gbs) {
        PciAddress at = card.fme().address();
        if (gbs.afuUuid().isEmpty()) {
            return; // nothing to compare with: the image declares no accelerator-type-uuid
        }
        Card after = card(at.toString());
        if (!gbs.afuUuid().equals(after.acceleratorId())) {
            loaded.remove(at.toString());
            throw new BackendException(
                    Kind.DEVICE_ERROR,
                    "fpgaconf reported success but the port of " + at + " shows accelerator "
                            + after.acceleratorId().map(OpaeBackend::dashed).orElse("(none)") + " instead of "
                            + dashed(gbs.afuUuid().get()) + " from " + image);
        }
    }

    private static void validate(Optional<String> imageInterface, Card card) {
        String device = card.fme().address().toString();
        String cardInterface = card.fme()
                .prInterfaceId()
                .orElseThrow(() ->
                        new BackendException(Kind.DEVICE_ERROR, "fpgainfo shows no Pr Interface Id for " + device));
        if (imageInterface.isEmpty()) {
            throw new BackendException(
                    Kind.INCOMPATIBLE,
                    "the image declares no PR interface; device " + device + " has Pr Interface Id "
                            + dashed(cardInterface));
        }
        if (!imageInterface.get().equals(cardInterface)) {
            throw new BackendException(
                    Kind.INCOMPATIBLE,
                    "the GBS was built for PR interface " + dashed(imageInterface.get()) + " but device " + device
                            + " has Pr Interface Id " + dashed(cardInterface) + " (another FIM)");
        }
    }

    private static void requireRegion(String deviceId, String regionId) {
        Objects.requireNonNull(deviceId, "deviceId");
        if (!REGION.equals(regionId)) {
            throw new BackendException(
                    Kind.UNKNOWN_DEVICE,
                    "device " + deviceId + " has one PR region, '" + REGION + "', not '" + regionId + "'");
        }
    }

    private ImageDescriptor describe(Gbs gbs) {
        return new ImageDescriptor(
                ImageFormat.GBS,
                Optional.of(gbs.interfaceUuid()),
                gbs.afuUuid(),
                gbs.bitstreamLength(),
                gbs.clocksMhz());
    }

    private DeviceDescriptor describe(Card card) {
        Fme fme = card.fme();
        String id = fme.address().toString();
        // Without a PR interface ID nothing can be checked against the card's FIM: it is listed, and takes nothing.
        String interfaceId = fme.prInterfaceId().orElse(NO_INTERFACE);
        Loaded known = loaded.get(id);
        Optional<Sha256> sha =
                known != null && known.afuUuid().isPresent() && known.afuUuid().equals(card.acceleratorId())
                        ? Optional.of(known.sha())
                        : Optional.empty();
        RegionDescriptor region = new RegionDescriptor(
                REGION, RegionKind.PARTIAL, capacity, sha, card.acceleratorId(), card.guestFunction());
        DeviceHealth health = fme.prInterfaceId().isEmpty()
                ? new DeviceHealth(
                        false,
                        "fpgainfo fme shows no Pr Interface Id: the FIM offers no partial reconfiguration, or this"
                                + " OPAE does not report it; no image can be checked against the card",
                        Optional.empty())
                : health(fme);
        return new DeviceDescriptor(id, VENDOR, model(fme), family(fme), interfaceId, List.of(region), health);
    }

    private static String model(Fme fme) {
        return fme.boardName()
                .orElseGet(() -> fme.deviceId()
                        .map(d -> "Intel FPGA card (device id " + String.format(Locale.ROOT, "0x%04X", d) + ")")
                        .orElse("Intel FPGA card"));
    }

    /**
     * The family from the board name the plug-in prints, else from the PCI device ID (the IDs of
     * {@code tools/fpgainfo/board.c}'s plug-in table), else the configured default.
     */
    String family(Fme fme) {
        String name = fme.boardName().orElse("").toUpperCase(Locale.ROOT);
        if (name.contains("D5005")) {
            return "pac-s10";
        }
        if (name.contains("N3000")) {
            return "pac-n3000";
        }
        if (name.contains("ARRIA 10") || name.contains("ARRIA® 10") || name.contains("A10")) {
            return "pac-a10";
        }
        if (name.contains("N6000") || name.contains("N6001") || name.contains("F2000X") || name.contains("AGILEX")) {
            return "agilex-f";
        }
        if (fme.deviceId().isPresent()) {
            switch (fme.deviceId().get()) {
                case 0x09c4, 0x09c5:
                    return "pac-a10";
                case 0x0b2b, 0x0b2c:
                    return "pac-s10";
                case 0x0b30, 0x0b31:
                    return "pac-n3000";
                default:
                    break;
            }
        }
        return defaultFamily;
    }

    /** The interface ID a card without one is listed with (it takes no allocations: it is unhealthy). */
    static final String NO_INTERFACE = "00000000000000000000000000000000";

    private static DeviceHealth health(Fme fme) {
        if (fme.bootPage()
                .map(p -> p.toLowerCase(Locale.ROOT).contains("factory"))
                .orElse(false)) {
            return new DeviceHealth(
                    false,
                    "the card booted its factory image (Boot Page: "
                            + fme.bootPage().get() + ")",
                    Optional.empty());
        }
        return DeviceHealth.OK;
    }

    private Card card(String deviceId) {
        Objects.requireNonNull(deviceId, "deviceId");
        PciAddress wanted = PciAddress.read(deviceId)
                .orElseThrow(() -> new BackendException(
                        Kind.UNKNOWN_DEVICE, "no Intel FPGA card at '" + deviceId + "' (not a PCIe address)"));
        return cards().stream()
                .filter(c -> c.fme().address().equals(wanted))
                .findFirst()
                .orElseThrow(() ->
                        new BackendException(Kind.UNKNOWN_DEVICE, "fpgainfo shows no Intel FPGA card at " + wanted));
    }

    private List<Card> cards() {
        List<Fme> fmes = FpgaInfo.parseFme(fpgainfo("fme"));
        List<Port> ports = fmes.isEmpty() ? List.of() : FpgaInfo.parsePorts(fpgainfo("port"));
        List<Card> cards = new ArrayList<>();
        for (Fme fme : fmes) {
            cards.add(new Card(fme, accelerator(fme, ports), guestFunction(fme, ports)));
        }
        return cards;
    }

    /**
     * The AFU behind the card's port: the port at the FME's own address if it shows one, else the one AFU UUID that
     * the ports of the same slot (SR-IOV functions) show; empty if none or several.
     */
    private static Optional<String> accelerator(Fme fme, List<Port> ports) {
        Optional<String> own = ports.stream()
                .filter(p -> p.address().equals(fme.address()))
                .map(Port::acceleratorId)
                .flatMap(Optional::stream)
                .findFirst();
        if (own.isPresent()) {
            return own;
        }
        List<String> slot = ports.stream()
                .filter(p -> p.address().sameSlot(fme.address()))
                .map(Port::acceleratorId)
                .flatMap(Optional::stream)
                .distinct()
                .collect(Collectors.toList());
        return slot.size() == 1 ? Optional.of(slot.get(0)) : Optional.empty();
    }

    /**
     * The function a guest is given to reach the card's PR region: a virtual function of the card's slot when SR-IOV
     * has made some (the port moves to the VF; the FME stays on the host's physical function), the one showing an
     * AFU first; else the port of the physical function itself (passed through whole); empty if fpgainfo lists no
     * port of the card.
     */
    static Optional<PciAddress> guestFunction(Fme fme, List<Port> ports) {
        List<Port> slot =
                ports.stream().filter(p -> p.address().sameSlot(fme.address())).toList();
        Optional<PciAddress> vf = slot.stream()
                .filter(p -> !p.address().equals(fme.address()))
                .sorted(java.util.Comparator.comparing(
                                (Port p) -> p.acceleratorId().isEmpty())
                        .thenComparing(p -> p.address().function()))
                .map(Port::address)
                .findFirst();
        return vf.or(() -> slot.stream()
                .map(Port::address)
                .filter(a -> a.equals(fme.address()))
                .findFirst());
    }

    /** Runs {@code fpgainfo <command>}; "No FPGA resources found." (exit 70, EX_SOFTWARE) is an empty answer. */
    private String fpgainfo(String command) {
        CommandRunner.Result result = runner.run(List.of(fpgainfo.toString(), command), toolTimeout);
        if (result.exitCode() != 0) {
            if ((result.stderr() + result.stdout()).contains("No FPGA resources found")) {
                return "";
            }
            String said = (result.stderr().isBlank() ? result.stdout() : result.stderr())
                    .lines()
                    .filter(l -> !l.isBlank())
                    .limit(5)
                    .collect(Collectors.joining(" | "));
            throw new BackendException(
                    Kind.DEVICE_ERROR, fpgainfo + " " + command + " exited with " + result.exitCode() + ": " + said);
        }
        return result.stdout();
    }

    private static String hex(int value) {
        return "0x" + Integer.toHexString(value);
    }

    /** {@code 8-4-4-4-12} form of a 32-hex-digit UUID, as fpgainfo and the GBS metadata print it. */
    static String dashed(String hex32) {
        if (hex32.length() != 32) {
            return hex32;
        }
        return hex32.substring(0, 8) + "-" + hex32.substring(8, 12) + "-" + hex32.substring(12, 16) + "-"
                + hex32.substring(16, 20) + "-" + hex32.substring(20);
    }

    private static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return d;
    }
}
