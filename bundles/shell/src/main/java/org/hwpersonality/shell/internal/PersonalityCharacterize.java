package org.hwpersonality.shell.internal;

import java.util.List;
import java.util.Set;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.profile.OsSupport;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.DeviceService;

/**
 * {@code personality:characterize DEVICE BITSTREAM-SHA256 --workload W}: programs the image on a free region,
 * measures the workload through the back end, and stores a CHARACTERIZED profile with what was measured.
 */
@Service
@Command(
        scope = "personality",
        name = "characterize",
        description = "Runs an image on a device and stores a profile from what was measured")
public class PersonalityCharacterize implements Action {
    @Argument(index = 0, name = "device", description = "Device ID", required = true)
    @Completion(DeviceIdCompleter.class)
    String device;

    @Argument(index = 1, name = "bitstream", description = "SHA-256 of a stored image", required = true)
    String sha256;

    @Argument(
            index = 2,
            name = "options",
            description = "--workload, --name, --os, --driver may also follow",
            multiValued = true)
    List<String> trailing;

    @Option(name = "--workload", description = "The workload to measure (e.g. compression); required")
    String workload;

    @Option(name = "--name", description = "Name of the new profile (default: char-<first 12 digits of the SHA-256>)")
    String name;

    @Option(name = "--os", description = "Guest OS family the profile serves (default linux)")
    String os;

    @Option(name = "--driver", description = "Driver name guests load for it (default: the profile name)")
    String driver;

    @Reference
    DeviceService devices;

    @Override
    public Object execute() {
        TrailingOptions after = new TrailingOptions(trailing, Set.of("--workload", "--name", "--os", "--driver"));
        String workload = after.get("--workload", this.workload);
        if (workload == null) {
            throw new ValidationException("--workload", "is required");
        }
        Sha256 image = Sha256.of(sha256);
        String name = after.get("--name", this.name);
        if (name == null) {
            name = "char-" + image.hex().substring(0, 12);
        }
        String os = after.get("--os", this.os);
        String driver = after.get("--driver", this.driver);
        System.out.println("Characterizing " + image.hex().substring(0, 12) + "… on " + device
                + ": programming a free region and running " + workload + " (this takes the programming time)…");
        System.out.flush();
        PersonalityProfile p = devices.characterize(
                device,
                image,
                workload,
                name,
                new OsSupport(os == null ? "linux" : os, KernelRange.ANY, driver == null ? name : driver));
        PerformanceFigures f = p.workloads().get(0).performance();
        System.out.println(p.personalityId());
        System.out.printf(
                "Measured %s on %s: %.1f GOPS, %.1f µs, %.1f W%n",
                workload, device, f.throughputGops(), f.latencyUs(), f.powerWatts());
        return null;
    }
}
