package org.hwpersonality.backend.xilinx.internal;

import java.io.IOException;
import java.nio.file.Files;
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
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The AMD/Xilinx back end: drives Alveo cards through XRT 2.x {@code xbutil} (the next-generation commands,
 * default since XRT 2.11). Each card (user physical function, identified by its BDF such as
 * {@code 0000:3b:00.1}) has one FULL region {@code "0"}: the dynamic region behind the shell.
 *
 * <ul>
 *   <li>discover / status: {@code xbutil examine --format JSON --output FILE} with the {@code host} report
 *       for the device list, then {@code --device BDF --report platform dynamic-regions} per card (see
 *       {@link XbutilReports} for the schema);</li>
 *   <li>program: {@code xbutil program --device BDF --user FILE} (XRT docs {@code xbutil.rst});</li>
 *   <li>clear: {@code xbutil reset --device BDF --force}, the hot ("user") reset of the card, which unloads the
 *       xclbin; {@code --force} answers the confirmation prompt, as standard input is closed.</li>
 *   <li>vendor signature: with a signing certificate configured, every xclbin is checked before it is loaded with
 *       {@code xclbinutil --validate-signature --certificate CERT --input FILE} (XRT's PKCS#7 signature that
 *       {@code xclbinutil --private-key … --certificate …} appends); an unsigned or badly signed image is refused
 *       and the card is not touched. Without one, XRT's management driver checks signatures on cards that require
 *       them.</li>
 * </ul>
 *
 * Every tool call goes through {@link CommandRunner} with a deadline.
 */
@Component(
        service = ReconfigurationBackend.class,
        property = ReconfigurationBackend.VENDOR_PROPERTY + "=" + XrtBackend.VENDOR,
        configurationPid = XrtBackend.PID)
@Designate(ocd = XrtBackend.Config.class)
public final class XrtBackend implements ReconfigurationBackend {
    public static final String VENDOR = "xilinx";
    public static final String PID = "org.hwpersonality.backend.xilinx";
    /** The single region of a card. */
    public static final String REGION = "0";

    private static final Pattern FAMILY = Pattern.compile("xilinx_(u[0-9]+[a-z]*)_.*");
    private static final Pattern BDF = Pattern.compile("(?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]");

    /** Configuration of the back end. */
    @ObjectClassDefinition(
            name = "HWP AMD/Xilinx XRT back end",
            description = "Programs Alveo cards with xclbin images through XRT's xbutil")
    public @interface Config {
        @AttributeDefinition(name = "xbutil path", description = "Absolute path of XRT's xbutil")
        String xbutil_path() default "/opt/xilinx/xrt/bin/xbutil";

        @AttributeDefinition(name = "xclbinutil path", description = "Absolute path of XRT's xclbinutil")
        String xclbinutil_path() default "/opt/xilinx/xrt/bin/xclbinutil";

        @AttributeDefinition(
                name = "Signing certificate",
                description = "PEM or DER certificate whose key signs the xclbins (xclbinutil --certificate); when"
                        + " set, an xclbin it does not verify is not loaded; empty: not checked here")
        String signing_certificate() default "";

        @AttributeDefinition(name = "Tool timeout (ms)", description = "Deadline of xbutil examine calls", min = "1")
        long tool_timeout_ms() default 30_000;

        @AttributeDefinition(
                name = "Programming timeout (ms)",
                description = "Deadline of xbutil program and reset",
                min = "1")
        long programming_timeout_ms() default 120_000;

        @AttributeDefinition(name = "User-region LUTs", min = "0")
        long capacity_luts() default 1_728_000;

        @AttributeDefinition(name = "User-region registers", min = "0")
        long capacity_registers() default 3_456_000;

        @AttributeDefinition(name = "User-region block RAMs (36 Kb)", min = "0")
        long capacity_bram_blocks() default 2_688;

        @AttributeDefinition(name = "User-region DSP slices", min = "0")
        long capacity_dsps() default 12_288;

        @AttributeDefinition(name = "Card memory (MiB)", min = "0")
        long capacity_memory_mb() default 65_536;

        @AttributeDefinition(
                name = "Shell interface UUIDs",
                description =
                        "VBNV=UUID pairs, separated by commas. Since XRT 2.12 xbutil reports only the logic UUID of a shell; on 2RP"
                                + " shells the interface UUID that xclbins are built for (xbmgmt examine) may differ: give it here.")
        String[] shell_interface_ids() default {};

        @AttributeDefinition(
                name = "Platform firmware folder",
                description = "Where the platforms' deployment packages install LOGIC_UUID/partition.xsabin, whose"
                        + " PARTITION_METADATA names the shell's interface UUIDs (the folder xclmgmt loads them from)")
        String platform_firmware_path() default "/lib/firmware/xilinx";

        @AttributeDefinition(
                name = "Workload command",
                description = "The host's benchmark that characterization runs on a programmed card, e.g."
                        + " /opt/bench/run-{workload}.sh --device {device}: it prints throughputGops=, latencyUs= and"
                        + " optionally powerWatts= lines (else the card's power sensor counts). Empty: this back end"
                        + " measures nothing")
        String workload_command() default "";

        @AttributeDefinition(
                name = "Workload timeout (ms)",
                description = "Deadline of the workload command",
                min = "1")
        long workload_timeout_ms() default 300_000;

        @AttributeDefinition(
                name = "Card memory kinds",
                description = "Memory kinds a profile's memory map may use (DDR, HBM, KIND or KIND=MiB); empty: by the"
                        + " card's family")
        String memory_kinds() default "";

        @AttributeDefinition(
                name = "Peripherals",
                description = "Peripherals a profile may set, e.g. qsfp0,qsfp1; empty: none; *: not checked")
        String peripherals() default "*";
    }

    private final Path xbutil;
    private final Duration toolTimeout;
    private final Duration programmingTimeout;
    private final Resources capacity;
    private final Map<String, String> shellInterfaceIds;
    private final Path platformFirmware;
    private final Optional<WorkloadCommand> workload;
    private Map<MemoryKind, Long> memoryKinds = Map.of();
    private Optional<java.util.Set<String>> peripherals = Optional.empty();

    private record SignatureCheck(Path xclbinutil, Path certificate) {}

    private Optional<SignatureCheck> signatureCheck = Optional.empty();
    /** The interface UUIDs each card's shell offers, by BDF, as last described. */
    private final Map<String, java.util.Set<String>> shells = new ConcurrentHashMap<>();

    private final CommandRunner runner = new CommandRunner();
    /** What this back end last programmed, by BDF: xclbin UUID and SHA-256, to report the loaded image's hash. */
    private final Map<String, Loaded> programmed = new ConcurrentHashMap<>();

    private record Loaded(String uuid, Sha256 sha256, Map<String, Integer> clocks) {}

    /** DS constructor. */
    @Activate
    public XrtBackend(Config config) {
        this(
                Path.of(Settings.check(Config.class, config).xbutil_path()),
                Duration.ofMillis(config.tool_timeout_ms()),
                Duration.ofMillis(config.programming_timeout_ms()),
                new Resources(
                        config.capacity_luts(),
                        config.capacity_registers(),
                        config.capacity_bram_blocks(),
                        config.capacity_dsps(),
                        config.capacity_memory_mb()),
                shellInterfaceIds(config.shell_interface_ids()),
                Path.of(config.platform_firmware_path()),
                WorkloadCommand.of(config.workload_command(), Duration.ofMillis(config.workload_timeout_ms())));
        this.memoryKinds = CardOffer.parseMemory("memory.kinds", config.memory_kinds(), config.capacity_memory_mb());
        this.peripherals = CardOffer.parsePeripherals(config.peripherals());
        if (!config.signing_certificate().isBlank()) {
            checkSignatures(Path.of(config.xclbinutil_path()), Path.of(config.signing_certificate()));
        }
    }

    /**
     * Checks every xclbin's vendor signature with {@code xclbinutil} against {@code certificate} before loading it.
     */
    public XrtBackend checkSignatures(Path xclbinutil, Path certificate) {
        this.signatureCheck = Optional.of(new SignatureCheck(
                Objects.requireNonNull(xclbinutil, "xclbinutil"), Objects.requireNonNull(certificate, "certificate")));
        return this;
    }

    /** {@code VBNV=UUID} pairs as a map; a malformed pair is a configuration error naming it. */
    static Map<String, String> shellInterfaceIds(String[] values) {
        Map<String, String> ids = new java.util.HashMap<>();
        for (String pair : Settings.list(values)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("shell.interface.ids: '" + pair + "' is not VBNV=UUID");
            }
            ids.put(
                    pair.substring(0, eq).strip(),
                    pair.substring(eq + 1).strip().replace("-", "").toLowerCase(java.util.Locale.ROOT));
        }
        return Map.copyOf(ids);
    }

    /**
     * Plain constructor (tests, other containers).
     *
     * @param shellInterfaceIds the shell interface UUIDs to use instead of xbutil's, by VBNV
     * @param platformFirmware  the folder of the platforms' {@code LOGIC_UUID/partition.xsabin}
     * @param workload          the command {@link #measure} runs (empty: nothing is measured)
     */
    public XrtBackend(
            Path xbutil,
            Duration toolTimeout,
            Duration programmingTimeout,
            Resources capacity,
            Map<String, String> shellInterfaceIds,
            Path platformFirmware,
            Optional<WorkloadCommand> workload) {
        this.workload = Objects.requireNonNull(workload, "workload");
        this.shellInterfaceIds = Map.copyOf(shellInterfaceIds);
        this.platformFirmware = Objects.requireNonNull(platformFirmware, "platformFirmware");
        this.xbutil = Objects.requireNonNull(xbutil, "xbutil");
        this.toolTimeout = positive(toolTimeout, "toolTimeout");
        this.programmingTimeout = positive(programmingTimeout, "programmingTimeout");
        this.capacity = Objects.requireNonNull(capacity, "capacity");
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    @Override
    public List<DeviceDescriptor> discover() {
        List<DeviceDescriptor> devices = new ArrayList<>();
        for (XbutilReports.HostDevice host : hostDevices()) {
            devices.add(describe(host));
        }
        return List.copyOf(devices);
    }

    @Override
    public DeviceDescriptor status(String deviceId) {
        return describe(host(deviceId));
    }

    @Override
    public ImageDescriptor inspect(Path image) {
        Objects.requireNonNull(image, "image");
        return describe(image, Xclbin.read(image));
    }

    private static ImageDescriptor describe(Path image, Xclbin xclbin) {
        if (xclbin.target() != Xclbin.Target.HW) {
            // An emulation xclbin carries no bitstream for a card: XRT's emulator runs it (XCL_EMULATION_MODE).
            throw new BackendException(
                    BackendException.Kind.INCOMPATIBLE,
                    "the xclbin " + image.getFileName() + " is built for "
                            + (xclbin.target() == Xclbin.Target.UNKNOWN
                                    ? "an unknown target"
                                    : xclbin.target().name().toLowerCase(java.util.Locale.ROOT))
                            + " (m_mode " + xclbin.mode() + "), not for hardware: it runs in XRT's emulator, not on a"
                            + " card; build it with v++ -t hw");
        }
        return new ImageDescriptor(
                ImageFormat.XCLBIN,
                xclbin.requiredInterfaces().stream().findFirst(),
                XbutilReports.uuid(xclbin.uuid()),
                xclbin.length(),
                xclbin.clocksMhz());
    }

    @Override
    public void validate(ImageDescriptor image, String deviceId) {
        Objects.requireNonNull(image, "image");
        DeviceDescriptor device = status(deviceId);
        check(image.format(), image.interfaceId().map(List::of).orElse(List.of()), device);
    }

    @Override
    public ProgrammingResult program(ProgrammingRequest request) {
        Objects.requireNonNull(request, "request");
        Xclbin xclbin = Xclbin.read(request.image());
        ImageDescriptor image = describe(request.image(), xclbin);
        DeviceDescriptor before = status(request.deviceId());
        RegionDescriptor region = region(before, request.regionId());
        check(image.format(), xclbin.requiredInterfaces(), before);
        offer(before.family()).check(request.memoryMap(), request.peripherals(), before.id());
        String bdf = before.id();
        Map<String, Integer> clocks = clocks(xclbin, request);
        String wanted = image.imageUuid()
                .orElseThrow(() -> new BackendException(
                        BackendException.Kind.CORRUPT_IMAGE, "xclbin " + request.image() + " has an all-zero UUID"));
        Loaded mine = programmed.get(bdf);
        if (region.loadedImageUuid().filter(wanted::equals).isPresent()
                && (mine == null ? clocks.isEmpty() : mine.clocks().equals(clocks))) {
            programmed.put(bdf, new Loaded(wanted, request.imageSha256(), clocks));
            return new ProgrammingResult(0, true);
        }
        verifySignature(request.image());
        long start = System.nanoTime();
        programmed.remove(bdf);
        Path load = request.image().toAbsolutePath();
        Path copy = null;
        try {
            if (!clocks.isEmpty()) {
                copy = Files.createTempFile("hwp-xclbin-", ".xclbin");
                Xclbin.writeWithClocks(request.image(), copy, clocks);
                load = copy;
            }
            CommandRunner.Result result = runner.run(
                    List.of(xbutil.toString(), "program", "--device", bdf, "--user", load.toString()),
                    programmingTimeout);
            if (result.exitCode() != 0) {
                throw failed(result);
            }
        } catch (IOException e) {
            throw new BackendException(
                    BackendException.Kind.DEVICE_ERROR, "cannot write the xclbin with the profile's clocks: " + e, e);
        } finally {
            if (copy != null) {
                try {
                    Files.deleteIfExists(copy);
                } catch (IOException e) {
                    // a stray temporary file is not worth failing the programming
                }
            }
        }
        DeviceDescriptor after = status(bdf);
        Optional<String> loaded = region(after, request.regionId()).loadedImageUuid();
        if (!loaded.equals(Optional.of(wanted))) {
            throw new BackendException(
                    BackendException.Kind.DEVICE_ERROR,
                    "after xbutil program, device " + bdf + " holds xclbin " + loaded.orElse("(none)") + " instead of "
                            + wanted);
        }
        programmed.put(bdf, new Loaded(wanted, request.imageSha256(), clocks));
        return new ProgrammingResult((System.nanoTime() - start) / 1e6, false);
    }

    /**
     * The CLOCK_FREQ_TOPOLOGY entries a request's clocks change (MHz by entry name; empty when they match the
     * image). A clock the image does not have, and any change to a signed xclbin (whose signature covers the
     * section), are refused as INCOMPATIBLE before anything runs.
     */
    private static Map<String, Integer> clocks(Xclbin xclbin, ProgrammingRequest request) {
        Map<String, Integer> changed = new java.util.TreeMap<>();
        for (org.hwpersonality.api.profile.ClockSetting clock : request.clocks()) {
            String entry = xclbin.clockNamed(clock.name())
                    .orElseThrow(() -> new BackendException(
                            BackendException.Kind.INCOMPATIBLE,
                            "the profile sets clock '" + clock.name() + "' but the xclbin's CLOCK_FREQ_TOPOLOGY has "
                                    + (xclbin.clocksMhz().isEmpty()
                                            ? "no clocks"
                                            : "only "
                                                    + String.join(
                                                            ", ",
                                                            new java.util.TreeSet<>(xclbin.clocksMhz()
                                                                    .keySet())))));
            int mhz = (int) Math.round(clock.frequencyMhz());
            if (mhz < 1) {
                throw new BackendException(
                        BackendException.Kind.INCOMPATIBLE,
                        "clock '" + clock.name() + "' at " + clock.frequencyMhz()
                                + " MHz: CLOCK_FREQ_TOPOLOGY holds whole MHz, at least 1");
            }
            if (mhz != (int) Math.round(xclbin.clocksMhz().get(entry))) {
                changed.put(entry, mhz);
            }
        }
        if (!changed.isEmpty() && xclbin.signed()) {
            throw new BackendException(
                    BackendException.Kind.INCOMPATIBLE,
                    "the profile changes clocks " + changed + " but the xclbin is signed: its signature covers"
                            + " CLOCK_FREQ_TOPOLOGY, so rebuild it with v++ --kernel_frequency and sign it again");
        }
        return Map.copyOf(changed);
    }

    @Override
    public void clear(String deviceId, String regionId) {
        DeviceDescriptor device = status(deviceId);
        region(device, regionId);
        String bdf = device.id();
        programmed.remove(bdf);
        CommandRunner.Result result =
                runner.run(List.of(xbutil.toString(), "reset", "--device", bdf, "--force"), programmingTimeout);
        // xbutil reset reports some failures ("Reset failed on Device[…]") with exit code 0.
        if (result.exitCode() != 0 || result.stdout().contains("Reset failed")) {
            throw failed(result);
        }
        Optional<String> still = region(status(bdf), regionId).loadedImageUuid();
        if (still.isPresent()) {
            throw new BackendException(
                    BackendException.Kind.DEVICE_ERROR,
                    "after xbutil reset, device " + bdf + " still holds xclbin " + still.get());
        }
    }

    @Override
    public Optional<PerformanceFigures> measure(String deviceId, String regionId, String workload) {
        if (this.workload.isEmpty()) {
            return Optional.empty();
        }
        String bdf = host(deviceId).bdf();
        region(status(bdf), regionId)
                .loadedImageUuid()
                .orElseThrow(() -> new BackendException(
                        BackendException.Kind.DEVICE_ERROR,
                        "device " + bdf + " has no xclbin loaded: nothing to measure " + workload + " on"));
        WorkloadCommand.Measured measured = this.workload.get().run(workload, bdf, regionId);
        Optional<Double> cardPower = measured.powerWatts().isPresent()
                ? Optional.empty()
                : readings(bdf).flatMap(CardReadings::powerWatts);
        return Optional.of(measured.figures(cardPower, bdf));
    }

    /** {@code xbutil examine --device BDF --report electrical thermal}: board power and temperatures. */
    @Override
    public Optional<CardReadings> readings(String deviceId) {
        String bdf = host(deviceId).bdf();
        String json = examine(List.of("--device", bdf, "--report", "electrical", "thermal"));
        try {
            return Optional.of(XbutilReports.parseReadings(json, bdf));
        } catch (IllegalArgumentException e) {
            throw new BackendException(
                    BackendException.Kind.DEVICE_ERROR,
                    "xbutil's electrical and thermal report for " + bdf + " cannot be read: " + e.getMessage(),
                    e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** {@code xilinx_u250_gen3x16_xdma_shell_4_1} → {@code alveo-u250}; other names → {@code xilinx}. */
    static String family(String vbnv) {
        Matcher m = FAMILY.matcher(vbnv.toLowerCase(Locale.ROOT));
        return m.matches() ? "alveo-" + m.group(1) : "xilinx";
    }

    /**
     * What an Alveo card offers a profile: the configured memory kinds, else those of its family per AMD's data
     * sheets (U50, U55C, U55N: HBM2 only; U280: DDR4 and HBM2; U200, U250, U30: DDR4), each with the region's
     * memory; the configured peripherals ({@code *}: not checked, since xbutil names no network cages).
     */
    CardOffer offer(String family) {
        Map<MemoryKind, Long> kinds = memoryKinds;
        if (kinds.isEmpty()) {
            String family0 = family.toLowerCase(Locale.ROOT);
            String table = switch (family0) {
                case "alveo-u50", "alveo-u50lv", "alveo-u55c", "alveo-u55n" -> "HBM";
                case "alveo-u280" -> "DDR, HBM";
                case "alveo-u200", "alveo-u250", "alveo-u30" -> "DDR";
                default -> "";
            };
            kinds = CardOffer.parseMemory("memory.kinds", table, capacity.memoryMb());
        }
        return new CardOffer(kinds, peripherals);
    }

    /**
     * As the xocl driver's {@code xocl_fdt_check_uuids}: every interface the image needs must be one the card's
     * shell offers.
     */
    private void check(ImageFormat format, List<String> required, DeviceDescriptor device) {
        if (format != ImageFormat.XCLBIN) {
            throw new BackendException(
                    BackendException.Kind.INCOMPATIBLE,
                    "device " + device.id() + " takes xclbin images, not " + format);
        }
        java.util.Set<String> offered = shells.getOrDefault(device.id(), java.util.Set.of(device.interfaceId()));
        String shell =
                offered.size() == 1 ? offered.iterator().next() : String.join(", ", new java.util.TreeSet<>(offered));
        if (required.isEmpty()) {
            throw new BackendException(
                    BackendException.Kind.INCOMPATIBLE,
                    "the xclbin declares no interface UUID; device " + device.id() + " (" + device.model()
                            + ") has shell interface " + shell);
        }
        for (String built : required) {
            if (!offered.contains(built)) {
                throw new BackendException(
                        BackendException.Kind.INCOMPATIBLE,
                        "the xclbin was built for interface " + built + " but device " + device.id() + " ("
                                + device.model() + ") has shell interface " + shell);
            }
        }
    }

    private static RegionDescriptor region(DeviceDescriptor device, String regionId) {
        return device.regions().stream()
                .filter(r -> r.id().equals(regionId))
                .findFirst()
                .orElseThrow(() -> new BackendException(
                        BackendException.Kind.UNKNOWN_DEVICE,
                        "device " + device.id() + " has no region '" + regionId + "' (only '" + REGION + "')"));
    }

    private XbutilReports.HostDevice host(String deviceId) {
        Objects.requireNonNull(deviceId, "deviceId");
        String bdf = XbutilReports.normalizeBdf(deviceId);
        if (!BDF.matcher(bdf).matches()) {
            throw new BackendException(
                    BackendException.Kind.UNKNOWN_DEVICE, "'" + deviceId + "' is not a PCIe BDF of an Alveo card");
        }
        List<XbutilReports.HostDevice> hosts = hostDevices();
        return hosts.stream()
                .filter(h -> h.bdf().equals(bdf))
                .findFirst()
                .orElseThrow(() -> new BackendException(
                        BackendException.Kind.UNKNOWN_DEVICE,
                        "xbutil reports no device " + bdf + " (present: "
                                + hosts.stream()
                                        .map(XbutilReports.HostDevice::bdf)
                                        .collect(Collectors.joining(", "))
                                + ")"));
    }

    private List<XbutilReports.HostDevice> hostDevices() {
        String json = examine(List.of("--report", "host"));
        try {
            return XbutilReports.parseHost(json);
        } catch (IllegalArgumentException e) {
            throw new BackendException(
                    BackendException.Kind.DEVICE_ERROR, "cannot read xbutil's host report: " + e.getMessage(), e);
        }
    }

    private DeviceDescriptor describe(XbutilReports.HostDevice host) {
        String json = examine(List.of("--device", host.bdf(), "--report", "platform", "dynamic-regions"));
        XbutilReports.CardReport card;
        try {
            card = XbutilReports.parseCard(json, host.bdf());
        } catch (IllegalArgumentException e) {
            throw new BackendException(
                    BackendException.Kind.DEVICE_ERROR,
                    "cannot read xbutil's report on " + host.bdf() + ": " + e.getMessage(),
                    e);
        }
        String vbnv = card.vbnv().isEmpty() ? host.vbnv() : card.vbnv();
        if (vbnv.isEmpty()) {
            throw new BackendException(BackendException.Kind.DEVICE_ERROR, "xbutil names no shell on " + host.bdf());
        }
        Shell shell = shell(host.bdf(), vbnv, card);
        shells.put(host.bdf(), shell.interfaces());
        String interfaceId = shell.interfaceId();
        Optional<String> loaded = card.xclbinUuid();
        Loaded mine = programmed.get(host.bdf());
        Optional<Sha256> sha =
                mine != null && loaded.equals(Optional.of(mine.uuid())) ? Optional.of(mine.sha256()) : Optional.empty();
        // xbutil names a card by its user function (.1 next to the management function .0): what a guest is given.
        RegionDescriptor region =
                new RegionDescriptor(REGION, RegionKind.FULL, capacity, sha, loaded, PciAddress.read(host.bdf()));
        DeviceHealth health = shell.problem()
                .map(p -> new DeviceHealth(false, p, Optional.<Double>empty()))
                .orElseGet(() -> health(host, card));
        return new DeviceDescriptor(host.bdf(), VENDOR, vbnv, family(vbnv), interfaceId, List.of(region), health);
    }

    /** A card's shell: the interface ID it is matched by, every interface it offers, and why it cannot be used. */
    record Shell(String interfaceId, java.util.Set<String> interfaces, Optional<String> problem) {
        static Shell of(String id) {
            return new Shell(id, java.util.Set.of(id), Optional.empty());
        }
    }

    /**
     * The shell's interfaces: configured for its VBNV; else the interface UUID xbutil reports (XRT 2.11); else, for
     * a 1RP shell, its feature-ROM time stamp; else, since XRT 2.12 reports only the logic UUID, from the platform's
     * own metadata, {@code PLATFORM_FIRMWARE/LOGIC_UUID/partition.xsabin}, the file xclmgmt loads for that shell.
     * Where that does not name exactly one interface, the card is listed unhealthy with what to configure.
     */
    Shell shell(String bdf, String vbnv, XbutilReports.CardReport card) {
        String configured = shellInterfaceIds.get(vbnv);
        if (configured != null) {
            return Shell.of(configured);
        }
        if (card.interfaceUuid().isPresent()) {
            return Shell.of(card.interfaceUuid().get());
        }
        String logic = card.logicUuid()
                .orElseThrow(() -> new BackendException(
                        BackendException.Kind.DEVICE_ERROR,
                        "xbutil reports no interface or logic UUID for the shell of " + bdf));
        if (logic.startsWith("0".repeat(16))) {
            return Shell.of(logic); // a 1RP shell's feature-ROM time stamp: 1RP xclbins carry the same
        }
        String configure = "set shell.interface.ids = " + vbnv + "=<the Interface UUID that 'xbmgmt examine --device"
                + " <management BDF>' prints> in etc/" + PID + ".cfg";
        Path xsabin = platformFirmware.resolve(logic).resolve("partition.xsabin");
        if (!Files.isRegularFile(xsabin)) {
            return new Shell(
                    logic,
                    java.util.Set.of(logic),
                    Optional.of("xbutil reports only the logic UUID " + logic + " of shell " + vbnv
                            + ", and no platform metadata is installed at " + xsabin
                            + ": install the platform's deployment package, or " + configure));
        }
        List<String> offered;
        try {
            offered = Xclbin.read(xsabin)
                    .partitionMetadata()
                    .map(PartitionMetadata::interfaceUuids)
                    .orElse(List.of());
        } catch (BackendException e) {
            return new Shell(logic, java.util.Set.of(logic), Optional.of(e.getMessage() + "; " + configure));
        }
        if (offered.size() == 1) {
            return Shell.of(offered.get(0));
        }
        return new Shell(
                logic,
                java.util.Set.copyOf(offered),
                Optional.of(xsabin
                        + (offered.isEmpty()
                                ? " names no interface UUID"
                                : " names " + offered.size() + " interface UUIDs (" + String.join(", ", offered)
                                        + ") and HWP matches a shell by one")
                        + "; " + configure));
    }

    private static DeviceHealth health(XbutilReports.HostDevice host, XbutilReports.CardReport card) {
        if (!host.ready()) {
            return new DeviceHealth(false, "xbutil reports the device is not ready", Optional.empty());
        }
        Optional<String> status = card.deviceStatus();
        if (status.isPresent() && !status.get().equalsIgnoreCase("HEALTHY")) {
            return new DeviceHealth(false, "device status " + status.get(), Optional.empty());
        }
        return new DeviceHealth(
                true, status.map(s -> "ready, " + s.toLowerCase(Locale.ROOT)).orElse("ready"), Optional.empty());
    }

    /** Runs {@code xbutil examine ARGS --format JSON --output FILE} and returns FILE's content. */
    private String examine(List<String> args) {
        Path dir;
        try {
            dir = Files.createTempDirectory("hwp-xbutil-");
        } catch (IOException e) {
            throw new BackendException(BackendException.Kind.DEVICE_ERROR, "cannot create a temporary file", e);
        }
        Path out = dir.resolve("report.json");
        try {
            List<String> command = new ArrayList<>();
            command.add(xbutil.toString());
            command.add("examine");
            command.addAll(args);
            command.addAll(List.of("--format", "JSON", "--output", out.toString()));
            CommandRunner.Result result = runner.run(command, toolTimeout);
            // xbutil may exit non-zero when one report had an error yet still write the JSON of the others.
            if (!Files.isRegularFile(out)) {
                if (result.exitCode() != 0) {
                    throw failed(result);
                }
                throw new BackendException(
                        BackendException.Kind.DEVICE_ERROR, String.join(" ", command) + " wrote no report");
            }
            if (Files.size(out) > CommandRunner.MAX_OUTPUT) {
                throw new BackendException(
                        BackendException.Kind.DEVICE_ERROR,
                        "xbutil wrote a report larger than " + CommandRunner.MAX_OUTPUT + " bytes");
            }
            return Files.readString(out);
        } catch (IOException e) {
            throw new BackendException(BackendException.Kind.DEVICE_ERROR, "cannot read xbutil's report", e);
        } finally {
            try {
                Files.deleteIfExists(out);
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // a stray temporary file is not worth failing the call
            }
        }
    }

    /** A failed xbutil run: UNKNOWN_DEVICE when xbutil does not know the BDF, else DEVICE_ERROR quoting it. */
    /**
     * The vendor signature check, when configured: {@code xclbinutil --validate-signature} prints "Signed xclbin
     * archive verification [SUCCESSFUL]" or "[FAILED]" after an "ERROR: reason" line (exit code 0 either way), and
     * exits non-zero for an image that is not signed (XRT's XclBinSignature.cxx). Anything but SUCCESSFUL refuses the
     * image; the card is untouched.
     */
    private void verifySignature(Path image) {
        if (signatureCheck.isEmpty()) {
            return;
        }
        SignatureCheck check = signatureCheck.get();
        CommandRunner.Result result = runner.run(
                List.of(
                        check.xclbinutil().toString(),
                        "--validate-signature",
                        "--certificate",
                        check.certificate().toString(),
                        "--input",
                        image.toAbsolutePath().toString()),
                toolTimeout);
        if (result.exitCode() == 0 && result.stdout().contains("Signed xclbin archive verification [SUCCESSFUL]")) {
            return;
        }
        String why = (result.stdout() + "\n" + result.stderr())
                .lines()
                .map(String::strip)
                .filter(l -> l.startsWith("ERROR:") || l.contains("[FAILED]"))
                .limit(3)
                .collect(Collectors.joining(" | "));
        throw new BackendException(
                BackendException.Kind.CORRUPT_IMAGE,
                "xclbin " + image + " fails its vendor signature check against " + check.certificate() + " ("
                        + (why.isEmpty() ? "xclbinutil exited with " + result.exitCode() : why)
                        + "); it is not loaded");
    }

    private static BackendException failed(CommandRunner.Result result) {
        String said = (result.stderr().isBlank() ? result.stdout() : result.stderr() + "\n" + result.stdout())
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .limit(5)
                .collect(Collectors.joining(" | "));
        String message = String.join(" ", result.command()) + " exited with " + result.exitCode() + ": " + said;
        boolean unknown = said.contains("not found") && said.contains("BDF");
        return new BackendException(
                unknown ? BackendException.Kind.UNKNOWN_DEVICE : BackendException.Kind.DEVICE_ERROR, message);
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
        return d;
    }
}
