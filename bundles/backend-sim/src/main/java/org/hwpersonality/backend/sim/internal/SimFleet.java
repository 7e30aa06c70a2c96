package org.hwpersonality.backend.sim.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.Settings;
import org.hwpersonality.api.backend.CardOffer;
import org.hwpersonality.api.device.PciAddress;
import org.hwpersonality.api.device.RegionKind;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A fleet of identical simulated cards, one per factory configuration
 * ({@code etc/org.hwpersonality.backend.sim.fleet-NAME.cfg}).
 */
@Component(
        service = SimFleet.class,
        configurationPid = SimFleet.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = SimFleet.Config.class, factory = true)
public class SimFleet {
    static final String FACTORY_PID = "org.hwpersonality.backend.sim.fleet";

    /** One fleet of simulated cards. */
    @ObjectClassDefinition(
            name = "HWP Simulated FPGA fleet",
            description = "Identical simulated cards: shell, regions, port model, faults, telemetry.")
    public @interface Config {
        @AttributeDefinition(description = "Device IDs are this prefix and a number")
        String idPrefix() default "sim-";

        @AttributeDefinition(description = "Number of cards")
        int devices() default 2;

        @AttributeDefinition(description = "Vendor the cards appear as (xilinx, intel …)")
        String vendor() default "xilinx";

        @AttributeDefinition(description = "Model name the cards report")
        String model() default "Simulated Alveo U250";

        @AttributeDefinition(description = "Card family profiles name in compatibility.family")
        String family() default "alveo-u250";

        @AttributeDefinition(description = "Interface (shell) UUID of the cards")
        String interfaceId() default "00000000000000000000000000000250";

        @AttributeDefinition(description = "Regions per card; more than one means partial-reconfiguration regions")
        int regions() default 1;

        @AttributeDefinition(description = "Partial regions even when there is only one")
        boolean partial() default false;

        @AttributeDefinition(description = "LUTs of each region")
        long regionLuts() default 1_300_000;

        @AttributeDefinition(description = "Registers of each region")
        long regionRegisters() default 2_600_000;

        @AttributeDefinition(description = "Block RAMs (36 Kb) of each region")
        long regionBramBlocks() default 2_000;

        @AttributeDefinition(description = "DSP blocks of each region")
        long regionDsps() default 11_500;

        @AttributeDefinition(description = "Card memory (MiB) each region may use")
        long regionMemoryMb() default 65_536;

        @AttributeDefinition(
                description = "Card memory kinds a memory map may use, KIND or KIND=MiB, e.g. DDR or HBM=16384 (a kind"
                        + " alone has the region's memory); empty: any")
        String memoryKinds() default "";

        @AttributeDefinition(description = "Peripherals a profile may set, e.g. qsfp0,qsfp1; empty: none; *: any")
        String peripherals() default "*";

        @AttributeDefinition(description = "Configuration-port bandwidth in MB/s (800 = ICAP at 200 MHz x 32 bit)")
        double portBandwidthMBps() default 800;

        @AttributeDefinition(description = "Fixed setup time of a programming, ms")
        long setupMs() default 5;

        @AttributeDefinition(
                description = "Rate at which a clear overwrites the card memory the region's designs mapped, MB/s")
        double memoryWipeMBps() default 20_000;

        @AttributeDefinition(description = "Probability that a programming fails (region unchanged)")
        double failureProbability() default 0;

        @AttributeDefinition(description = "Probability that a programming hangs until the timeout (region unknown)")
        double hangProbability() default 0;

        @AttributeDefinition(
                description =
                        "Deadline of a programming, ms: a hang ends in a timeout after it (region unknown, FAILED)")
        long timeoutMs() default 30_000;

        @AttributeDefinition(description = "Throughput lost per hour after programming (0..1)")
        double driftPerHour() default 0;

        @AttributeDefinition(description = "Relative standard deviation of measurements")
        double noise() default 0.02;

        @AttributeDefinition(description = "Seed of the fault and noise draws (runs repeat)")
        long seed() default 1;

        @AttributeDefinition(
                description = "PCI domain of the cards' synthetic addresses (card i on bus i, region r at function"
                        + " r + 1); -1: derived from idPrefix")
        int pciDomain() default -1;
    }

    private final List<SimulatedDevice> devices;

    @Activate
    public SimFleet(Config c) {
        this(Settings.check(Config.class, c), Clock.systemUTC());
    }

    SimFleet(Config c, Clock clock) {
        RegionKind kind = c.regions() > 1 || c.partial() ? RegionKind.PARTIAL : RegionKind.FULL;
        Resources capacity = new Resources(
                c.regionLuts(), c.regionRegisters(), c.regionBramBlocks(), c.regionDsps(), c.regionMemoryMb());
        PortModel port =
                new PortModel(c.portBandwidthMBps() * 1e6, Duration.ofMillis(c.setupMs()), c.memoryWipeMBps() * 1e6);
        FaultModel faults =
                new FaultModel(c.failureProbability(), c.hangProbability(), Duration.ofMillis(c.timeoutMs()));
        Telemetry telemetry = new Telemetry(c.driftPerHour(), c.noise());
        CardOffer offer = offer(c);
        this.devices = IntStream.range(0, c.devices())
                .mapToObj(i -> new SimulatedDevice(
                        c.idPrefix() + i,
                        c.vendor(),
                        c.model(),
                        c.family(),
                        c.interfaceId(),
                        kind,
                        c.regions(),
                        capacity,
                        port,
                        faults,
                        telemetry,
                        c.seed() * 1_000_003L + i,
                        clock,
                        address(c, i),
                        offer))
                .toList();
    }

    /** The card's memory kinds and peripherals as configured ({@code memoryKinds}, {@code peripherals}). */
    static CardOffer offer(Config c) {
        return new CardOffer(
                CardOffer.parseMemory("memoryKinds", c.memoryKinds(), c.regionMemoryMb()),
                CardOffer.parsePeripherals(c.peripherals()));
    }

    /**
     * The synthetic PCI address of card {@code i} (its management function, .0): bus {@code i} of the fleet's
     * domain, the next domain after 256 cards. The domain is configured, or derived from the ID prefix so that two
     * fleets of one node rarely share one; real cards report their own.
     */
    static PciAddress address(Config c, int i) {
        int base = c.pciDomain() >= 0 ? c.pciDomain() : 0x1000 | (c.idPrefix().hashCode() & 0x0fff);
        return new PciAddress((base + i / 256) & 0xffff, i % 256, 0, 0);
    }

    public List<SimulatedDevice> devices() {
        return devices;
    }
}
