package org.hwpersonality.backend.aws.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
import org.hwpersonality.api.profile.ClockSetting;
import org.hwpersonality.api.profile.MemorySegment.MemoryKind;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.Tunable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The AWS F1 back end: the FPGA slots of an F1 instance, driven by the AWS FPGA management tools of the aws-fpga SDK
 * ({@code fpga-describe-local-image-slots}, {@code fpga-describe-local-image}, {@code fpga-load-local-image},
 * {@code fpga-clear-local-image}; all with {@code -H}, synchronous). Each slot is one device whose ID is its
 * application PF's address ({@code 0000:00:1d.0}) with one region, {@value #REGION}: the Custom Logic region that a
 * load replaces while the AWS shell keeps running. A device's interface ID is its shell version; an image is an
 * {@link AfiReference} naming an AFI and the shell it was built for.
 *
 * <p><b>Clocks.</b> {@code fpga-load-local-image} takes {@code -a}, {@code -b}, {@code -c}: the frequency in MHz of
 * clock 0 of groups A, B and C, which the shell meets with one of its clock recipes ("this value or less"). A
 * profile's clock {@code clk_main_a0} (or {@code a0}), {@code clk_extra_b0} ({@code b0}), {@code clk_extra_c0}
 * ({@code c0}) must be one of the recipes' frequencies (F1 shell: group A clk_main_a0 125 (A0), 250 (A1), 15.625 (A2)
 * MHz from the shell's {@code aws_clock_properties.tcl}; groups B and C from the clock-recipe table of aws-fpga's
 * {@code Clock_Recipes_User_Guide.md}); after loading, the frequencies {@code fpga-describe-local-image -M} reports
 * must match. Clearing ({@code fpga-clear-local-image}) also wipes the slot's DDR.
 */
@Component(
        service = ReconfigurationBackend.class,
        property = ReconfigurationBackend.VENDOR_PROPERTY + "=" + AwsF1Backend.VENDOR,
        configurationPid = AwsF1Backend.PID)
@Designate(ocd = AwsF1Backend.Config.class)
public class AwsF1Backend implements ReconfigurationBackend {
    public static final String VENDOR = "aws";
    public static final String PID = "org.hwpersonality.backend.aws";
    public static final String REGION = "0";

    /** The clock-0 frequencies of each group's recipes, MHz. */
    static final Map<String, List<Double>> RECIPES = Map.of(
            "a0", List.of(125.0, 250.0, 15.625),
            "b0", List.of(250.0, 125.0, 450.0, 300.0, 400.0),
            "c0", List.of(300.0, 150.0, 75.0, 200.0));

    /** Configuration of the AWS F1 back end. */
    @ObjectClassDefinition(
            name = "HWP AWS F1 back end",
            description = "Loads Amazon FPGA Images into the FPGA slots of an F1 instance with the AWS FPGA tools")
    public @interface Config {
        @AttributeDefinition(description = "Folder of the AWS FPGA management tools (fpga-describe-local-image …)")
        String toolsPath() default "/usr/bin";

        @AttributeDefinition(description = "Deadline of fpga-describe-local-image(-slots) runs, ms")
        long toolTimeoutMs() default 30_000;

        @AttributeDefinition(description = "Deadline of a load or clear, ms (synchronous loads take seconds)")
        long programmingTimeoutMs() default 120_000;

        @AttributeDefinition(description = "Family of the slots (an F1 instance's Virtex UltraScale+ VU9P cards)")
        String family() default "aws-f1";

        /* Custom Logic region: about 80 % of the VU9P (1,182,240 LUTs, 2,364,480 registers, 2,160 BRAM36, 6,840
         * DSPs) is left to the CL by the F1 shell; 4 x 16 GiB DDR4 per FPGA. */
        @AttributeDefinition(description = "CL region LUTs")
        long regionLuts() default 945_000;

        @AttributeDefinition(description = "Region registers (flip-flops)")
        long regionRegisters() default 1_890_000;

        @AttributeDefinition(description = "CL region block RAM, in 36 Kb blocks")
        long regionBramBlocks() default 1_728;

        @AttributeDefinition(description = "Region DSP blocks")
        long regionDsps() default 5_472;

        @AttributeDefinition(description = "Card memory (MiB)")
        long regionMemoryMb() default 65_536;

        @AttributeDefinition(
                description = "The host's benchmark that characterization runs on a loaded slot, e.g."
                        + " /opt/bench/run-{workload}.sh {device}; prints throughputGops=, latencyUs= and optionally"
                        + " powerWatts= (else the slot's Vccint power counts). Empty: nothing is measured")
        String workloadCommand() default "";

        @AttributeDefinition(description = "Deadline of the workload command, ms")
        long workloadTimeoutMs() default 300_000;
    }

    private final Path tools;
    private final Duration toolTimeout;
    private final Duration programmingTimeout;
    private final String family;
    private final Resources capacity;
    private final Optional<WorkloadCommand> workload;
    private final CommandRunner runner = new CommandRunner();
    /** The image each slot was loaded with by this back end (AFI ID and SHA-256), by device ID. */
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();

    private record Loaded(String agfi, Sha256 sha, Map<String, Double> clocks) {}

    @Activate
    public AwsF1Backend(Config config) {
        this(
                Path.of(Settings.check(Config.class, config).toolsPath()),
                Duration.ofMillis(config.toolTimeoutMs()),
                Duration.ofMillis(config.programmingTimeoutMs()),
                config.family(),
                new Resources(
                        config.regionLuts(),
                        config.regionRegisters(),
                        config.regionBramBlocks(),
                        config.regionDsps(),
                        config.regionMemoryMb()),
                WorkloadCommand.of(config.workloadCommand(), Duration.ofMillis(config.workloadTimeoutMs())));
    }

    public AwsF1Backend(
            Path tools,
            Duration toolTimeout,
            Duration programmingTimeout,
            String family,
            Resources capacity,
            Optional<WorkloadCommand> workload) {
        this.tools = Objects.requireNonNull(tools, "tools");
        this.toolTimeout = positive("toolTimeout", toolTimeout);
        this.programmingTimeout = positive("programmingTimeout", programmingTimeout);
        if (family == null || !family.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")) {
            throw new IllegalArgumentException("family must be an identifier (letters, digits, . _ : -): " + family);
        }
        this.family = family;
        this.capacity = Objects.requireNonNull(capacity, "capacity");
        this.workload = Objects.requireNonNull(workload, "workload");
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    @Override
    public List<DeviceDescriptor> discover() {
        List<DeviceDescriptor> devices = new ArrayList<>();
        for (FpgaMgmtReports.Slot slot : slots()) {
            devices.add(describe(slot));
        }
        return List.copyOf(devices);
    }

    @Override
    public DeviceDescriptor status(String deviceId) {
        return describe(slot(deviceId));
    }

    @Override
    public ImageDescriptor inspect(Path image) {
        AfiReference afi = AfiReference.read(image);
        long size;
        try {
            size = Files.size(image);
        } catch (java.io.IOException e) {
            throw new BackendException(Kind.CORRUPT_IMAGE, "cannot read " + image, e);
        }
        return new ImageDescriptor(
                ImageFormat.AFI,
                afi.shellVersion().map(AfiReference::interfaceId),
                Optional.of(AfiReference.imageId(afi.agfi())),
                size,
                afi.clocksMhz());
    }

    @Override
    public void validate(ImageDescriptor image, String deviceId) {
        if (image.format() != ImageFormat.AFI) {
            throw new BackendException(
                    Kind.INCOMPATIBLE, "device " + deviceId + " takes AFI references, not " + image.format());
        }
        DeviceDescriptor device = status(deviceId);
        if (image.interfaceId().isPresent() && !image.interfaceId().get().equals(device.interfaceId())) {
            throw new BackendException(
                    Kind.INCOMPATIBLE,
                    "the AFI was built for shell " + shell(image.interfaceId().get()) + "; device " + deviceId
                            + " runs shell " + shell(device.interfaceId()));
        }
    }

    @Override
    public ProgrammingResult program(ProgrammingRequest request) {
        requireRegion(request.deviceId(), request.regionId());
        AfiReference afi = AfiReference.read(request.image());
        Map<String, Double> clocks = clocks(request.clocks());
        // An F1 FPGA has four DDR4 channels (DDR-A to DDR-D) and no network ports of its own.
        new CardOffer(Map.of(MemoryKind.DDR, capacity.memoryMb()), Optional.of(java.util.Set.of()))
                .check(request.memoryMap(), request.peripherals(), request.deviceId());
        validate(inspect(request.image()), request.deviceId());
        FpgaMgmtReports.Slot slot = slot(request.deviceId());
        String id = slot.dbdf().toString();
        FpgaMgmtReports.Image now = image(slot);
        Loaded mine = loaded.get(id);
        if (now.loaded()
                && now.agfi().equals(Optional.of(afi.agfi()))
                && (clocks.isEmpty() || (mine != null && mine.clocks().equals(clocks)))) {
            loaded.put(id, new Loaded(afi.agfi(), request.imageSha256(), mine == null ? clocks : mine.clocks()));
            return new ProgrammingResult(0, true);
        }
        List<String> command = new ArrayList<>(
                List.of(tool("fpga-load-local-image"), "-S", String.valueOf(slot.slot()), "-I", afi.agfi(), "-H"));
        clocks.forEach((clock, mhz) -> command.addAll(List.of("-" + clock.charAt(0), mhz(mhz))));
        long start = System.nanoTime();
        loaded.remove(id);
        CommandRunner.Result result = run(command, programmingTimeout);
        FpgaMgmtReports.Image after =
                FpgaMgmtReports.parseImage(result.stdout()).orElseGet(() -> image(slot));
        if (!after.loaded() || !after.agfi().equals(Optional.of(afi.agfi()))) {
            throw new BackendException(
                    Kind.DEVICE_ERROR,
                    "after fpga-load-local-image, slot " + slot.slot() + " (" + id + ") is " + after.status()
                            + " (" + after.error() + ") with " + after.agfi().orElse("no AFI") + ", not "
                            + afi.agfi());
        }
        checkClocks(slot, clocks);
        loaded.put(id, new Loaded(afi.agfi(), request.imageSha256(), clocks));
        return new ProgrammingResult((System.nanoTime() - start) / 1e6, false);
    }

    @Override
    public void clear(String deviceId, String regionId) {
        requireRegion(deviceId, regionId);
        FpgaMgmtReports.Slot slot = slot(deviceId);
        loaded.remove(slot.dbdf().toString());
        CommandRunner.Result result = run(
                List.of(tool("fpga-clear-local-image"), "-S", String.valueOf(slot.slot()), "-H"), programmingTimeout);
        FpgaMgmtReports.Image after =
                FpgaMgmtReports.parseImage(result.stdout()).orElseGet(() -> image(slot));
        if (after.agfi().isPresent() || !after.status().equals("cleared")) {
            throw new BackendException(
                    Kind.DEVICE_ERROR,
                    "after fpga-clear-local-image, slot " + slot.slot() + " is " + after.status() + " with "
                            + after.agfi().orElse("no AFI"));
        }
    }

    @Override
    public Optional<PerformanceFigures> measure(String deviceId, String regionId, String workloadName) {
        if (workload.isEmpty()) {
            return Optional.empty();
        }
        requireRegion(deviceId, regionId);
        FpgaMgmtReports.Slot slot = slot(deviceId);
        String id = slot.dbdf().toString();
        if (!image(slot).loaded()) {
            throw new BackendException(
                    Kind.DEVICE_ERROR, "slot " + slot.slot() + " (" + id + ") holds no AFI: nothing to measure");
        }
        WorkloadCommand.Measured measured = workload.get().run(workloadName, id, regionId);
        Optional<Double> power = measured.powerWatts().isPresent()
                ? Optional.empty()
                : metrics(slot).vccintWatts();
        return Optional.of(measured.figures(power, id));
    }

    /** The slot's Vccint power from {@code fpga-describe-local-image -M} (F1 reports no temperatures). */
    @Override
    public Optional<CardReadings> readings(String deviceId) {
        return Optional.of(new CardReadings(metrics(slot(deviceId)).vccintWatts(), Map.of()));
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * A profile's clocks, and its clock tunables at every value of their grids, must be clock recipes: F1 sets clocks
     * only by recipe, so a derived profile between recipes could never be loaded.
     */
    @Override
    public void checkTunables(PersonalityProfile profile) {
        clocks(profile.fabric().clocks());
        for (Tunable t : profile.applicableTunables()) {
            ClockSetting clock = profile.fabric().clockSetBy(t.name()).orElseThrow();
            for (int i = 0; i < t.valueCount(); i++) {
                double mhz = t.value(i);
                try {
                    clocks(List.of(new ClockSetting(clock.name(), mhz)));
                } catch (BackendException e) {
                    throw new BackendException(
                            Kind.INCOMPATIBLE,
                            "tunable '" + t.name() + "' reaches " + mhz(mhz) + " MHz (min + " + i + " × step), but "
                                    + e.getMessage()
                                    + "; choose min, max and step so that every value is a recipe");
                }
            }
        }
    }

    /** A profile's clocks as the load's {@code -a/-b/-c} settings; a clock no recipe meets is refused. */
    static Map<String, Double> clocks(List<ClockSetting> settings) {
        Map<String, Double> clocks = new TreeMap<>();
        for (ClockSetting c : settings) {
            String name = c.name().toLowerCase(java.util.Locale.ROOT);
            String group = switch (name) {
                case "a0", "clk_main_a0" -> "a0";
                case "b0", "clk_extra_b0" -> "b0";
                case "c0", "clk_extra_c0" -> "c0";
                default ->
                    throw new BackendException(
                            Kind.INCOMPATIBLE,
                            "clock '" + c.name() + "' cannot be set on AWS F1: its loads set clk_main_a0 (a0),"
                                    + " clk_extra_b0 (b0) and clk_extra_c0 (c0)");
            };
            List<Double> recipes = RECIPES.get(group);
            if (recipes.stream().noneMatch(r -> Math.abs(r - c.frequencyMhz()) < 1e-6)) {
                throw new BackendException(
                        Kind.INCOMPATIBLE,
                        "clock " + c.name() + " at " + mhz(c.frequencyMhz()) + " MHz is no clock recipe of group "
                                + Character.toUpperCase(group.charAt(0)) + " ("
                                + recipes.stream()
                                        .sorted()
                                        .map(AwsF1Backend::mhz)
                                        .collect(Collectors.joining(", "))
                                + " MHz)");
            }
            clocks.put(group, c.frequencyMhz());
        }
        return clocks;
    }

    /** After a load with clocks: clock 0 of each set group runs at the asked frequency (the tool rounds down). */
    private void checkClocks(FpgaMgmtReports.Slot slot, Map<String, Double> clocks) {
        if (clocks.isEmpty()) {
            return;
        }
        FpgaMgmtReports.Metrics metrics = metrics(slot);
        for (Map.Entry<String, Double> c : clocks.entrySet()) {
            List<Double> group = metrics.clockGroups().getOrDefault(c.getKey().substring(0, 1), List.of());
            if (group.isEmpty() || group.get(0) != Math.floor(c.getValue())) {
                throw new BackendException(
                        Kind.DEVICE_ERROR,
                        "slot " + slot.slot() + " runs clock " + c.getKey() + " at "
                                + (group.isEmpty() ? "an unreported frequency" : mhz(group.get(0)) + " MHz")
                                + ", not the " + mhz(c.getValue()) + " MHz asked for");
            }
        }
    }

    private DeviceDescriptor describe(FpgaMgmtReports.Slot slot) {
        FpgaMgmtReports.Image image = image(slot);
        String id = slot.dbdf().toString();
        Loaded mine = loaded.get(id);
        Optional<Sha256> sha = mine != null && image.agfi().equals(Optional.of(mine.agfi()))
                ? Optional.of(mine.sha())
                : Optional.empty();
        RegionDescriptor region = new RegionDescriptor(
                REGION,
                RegionKind.PARTIAL,
                capacity,
                sha,
                image.loaded() ? image.agfi().map(AfiReference::imageId) : Optional.empty(),
                Optional.of(slot.dbdf()));
        DeviceHealth health;
        if (image.shellVersion().isEmpty()) {
            health = new DeviceHealth(false, "slot " + slot.slot() + " reports no shell version", Optional.empty());
        } else if (image.status().equals("load-failed") || image.errorCode() != 0) {
            health = new DeviceHealth(
                    false, "slot " + slot.slot() + " is " + image.status() + ": " + image.error(), Optional.empty());
        } else {
            health = new DeviceHealth(true, image.status(), Optional.empty());
        }
        return new DeviceDescriptor(
                id,
                VENDOR,
                "AWS F1 FPGA slot " + slot.slot(),
                family,
                AfiReference.interfaceId(image.shellVersion().orElse(0L)),
                List.of(region),
                health);
    }

    private List<FpgaMgmtReports.Slot> slots() {
        return FpgaMgmtReports.parseSlots(run(List.of(tool("fpga-describe-local-image-slots"), "-H"), toolTimeout)
                .stdout());
    }

    private FpgaMgmtReports.Slot slot(String deviceId) {
        Optional<PciAddress> wanted = PciAddress.read(deviceId);
        return slots().stream()
                .filter(s -> wanted.isPresent() && s.dbdf().equals(wanted.get()))
                .findFirst()
                .orElseThrow(() -> new BackendException(Kind.UNKNOWN_DEVICE, "no F1 FPGA slot at " + deviceId));
    }

    private FpgaMgmtReports.Image image(FpgaMgmtReports.Slot slot) {
        String out = run(
                        List.of(tool("fpga-describe-local-image"), "-S", String.valueOf(slot.slot()), "-H"),
                        toolTimeout)
                .stdout();
        return FpgaMgmtReports.parseImage(out)
                .orElseThrow(() -> new BackendException(
                        Kind.DEVICE_ERROR,
                        "fpga-describe-local-image -S " + slot.slot() + " printed no AFI line: "
                                + out.lines().limit(3).collect(Collectors.joining(" | "))));
    }

    private FpgaMgmtReports.Metrics metrics(FpgaMgmtReports.Slot slot) {
        return FpgaMgmtReports.parseMetrics(
                run(List.of(tool("fpga-describe-local-image"), "-S", String.valueOf(slot.slot()), "-M"), toolTimeout)
                        .stdout());
    }

    /**
     * Runs a tool; a non-zero exit is an error quoting its {@code Error: (N) name} line (fpga_local_cmd.c main()),
     * INCOMPATIBLE for a shell mismatch or an invalid AFI ID, else DEVICE_ERROR.
     */
    private CommandRunner.Result run(List<String> command, Duration timeout) {
        CommandRunner.Result result = runner.run(command, timeout);
        if (result.exitCode() != 0) {
            String said = (result.stdout() + "\n" + result.stderr())
                    .lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .limit(4)
                    .collect(Collectors.joining(" | "));
            boolean image = said.contains("shell-version-not-supported") || said.contains("invalid-afi-id");
            throw new BackendException(
                    image ? Kind.INCOMPATIBLE : Kind.DEVICE_ERROR,
                    Path.of(command.get(0)).getFileName() + " " + String.join(" ", command.subList(1, command.size()))
                            + " exited with " + result.exitCode() + ": " + said);
        }
        return result;
    }

    private String tool(String name) {
        return tools.resolve(name).toString();
    }

    private static void requireRegion(String deviceId, String regionId) {
        Objects.requireNonNull(deviceId, "deviceId");
        if (!REGION.equals(regionId)) {
            throw new BackendException(
                    Kind.UNKNOWN_DEVICE,
                    "F1 slot " + deviceId + " has one region, '" + REGION + "', not '" + regionId + "'");
        }
    }

    private static String shell(String interfaceId) {
        return "0x" + interfaceId.substring(24);
    }

    private static String mhz(double mhz) {
        return mhz == Math.rint(mhz) ? String.valueOf((long) mhz) : String.valueOf(mhz);
    }

    private static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return d;
    }
}
