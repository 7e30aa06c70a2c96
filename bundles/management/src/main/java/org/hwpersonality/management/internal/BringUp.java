package org.hwpersonality.management.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.KernelRange;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.DeviceState;
import org.hwpersonality.api.device.RegionState;
import org.hwpersonality.api.profile.OsSupport;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.api.store.DeviceRecords;

/**
 * Bring-up characterization: the images configured for a device family are characterized on this node's devices
 * of that family, one region at a time, in a FREE region, each stored once per family as the CHARACTERIZED profile
 * {@code bringup-FAMILY-SHA12-WORKLOAD-v1}. Each runs as {@link IdleWork}, which yields to requests; a
 * characterization whose region a request took first is tried again later.
 */
final class BringUp implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BringUp.class.getName());
    /** How often idle devices are looked at again (a device freed, a new one discovered, wake up sooner). */
    static final Duration PASS_EVERY = Duration.ofSeconds(10);
    /** Failures of one image on one device after which it is left until a restart. */
    static final int ATTEMPTS = 3;

    /** One image to characterize on a family: {@code FAMILY:SHA256:WORKLOAD:DRIVER}. */
    record Plan(String family, Sha256 image, String workload, String driver) {
        /** The profile's name: one per family, image and workload. */
        String name() {
            return "bringup-" + family + "-" + image.hex().substring(0, 12) + "-" + workload;
        }

        /** The configured list, comma-separated; empty: none. Refused with the field and the entry named. */
        static List<Plan> parse(String configured) {
            List<Plan> plans = new ArrayList<>();
            for (String entry : configured.split(",")) {
                if (entry.isBlank()) {
                    continue;
                }
                String[] f = entry.strip().split(":");
                if (f.length != 4) {
                    throw new ValidationException(
                            "bringUp", "entry '" + entry.strip() + "' must be FAMILY:SHA256:WORKLOAD:DRIVER");
                }
                try {
                    Plan plan = new Plan(f[0], Sha256.of(f[1]), f[2], f[3]);
                    new OsSupport("linux", KernelRange.ANY, plan.driver()); // the driver name's rule
                    plans.add(plan);
                } catch (ValidationException e) {
                    throw new ValidationException("bringUp", "entry '" + entry.strip() + "': " + e.reason());
                } catch (IllegalArgumentException e) {
                    throw new ValidationException("bringUp", "entry '" + entry.strip() + "': " + e.getMessage());
                }
            }
            return List.copyOf(plans);
        }
    }

    /** What one can see of it: per device, what is done, under way, failed. */
    record Progress(int planned, int done, Optional<String> underWay, List<String> failed) {
        String describe() {
            return done + " of " + planned + " image(s) characterized"
                    + underWay.map(u -> "; characterizing " + u).orElse("")
                    + (failed.isEmpty() ? "" : "; failed: " + String.join("; ", failed));
        }
    }

    /** Characterizes one plan on a device; the inventory's job (programming through the one state machine). */
    interface Job {
        void characterize(String deviceId, Plan plan);
    }

    private final List<Plan> plans;
    private final IdleWork idle;
    private final DeviceRecords records;
    private final ProfileRepository profiles;
    private final Predicate<Device> ours;
    private final Job job;
    private final Passes passes;
    private final Map<String, String> failed = new LinkedHashMap<>(); // "device plan" → why, guarded by lock
    private final Map<String, Integer> attempts = new java.util.concurrent.ConcurrentHashMap<>();
    private final Object lock = new Object();

    BringUp(
            List<Plan> plans,
            IdleWork idle,
            DeviceRecords records,
            ProfileRepository profiles,
            Predicate<Device> ours,
            Job job) {
        this.plans = plans;
        this.idle = idle;
        this.records = records;
        this.profiles = profiles;
        this.ours = ours;
        this.job = job;
        this.passes = new Passes("hwp-bring-up", PASS_EVERY, this::pass);
    }

    /** Looks at the devices soon (one was discovered or freed). */
    void wake() {
        passes.wake();
    }

    /** Where bring-up stands on a device of this node; empty if nothing is planned for its family. */
    Optional<Progress> progress(Device device) {
        List<Plan> mine =
                plans.stream().filter(p -> p.family().equals(device.family())).toList();
        if (mine.isEmpty() || !ours.test(device)) {
            return Optional.empty();
        }
        int done = (int) mine.stream()
                .filter(p -> profiles.find(p.name() + "-v1").isPresent())
                .count();
        synchronized (lock) {
            return Optional.of(new Progress(
                    mine.size(),
                    done,
                    idle.underWay()
                            .filter(u -> u.startsWith(what(device, "")))
                            .map(u -> u.substring(what(device, "").length())),
                    failed.entrySet().stream()
                            .filter(e -> e.getKey().startsWith(device.id() + " "))
                            .map(Map.Entry::getValue)
                            .toList()));
        }
    }

    /** One look at this node's devices: characterizes what is missing, one region at a time, unless quiet. */
    private void pass() {
        try {
            for (Device device : records.devices()) {
                if (!ours.test(device) || device.state() != DeviceState.ONLINE) {
                    continue;
                }
                for (Plan plan : plans) {
                    if (!plan.family().equals(device.family())
                            || attempts.getOrDefault(device.id() + " " + plan, 0) >= ATTEMPTS
                            || profiles.find(plan.name() + "-v1").isPresent()) {
                        continue;
                    }
                    if (!hasFreeRegion(device)
                            || !idle.run(
                                    what(device, plan.image().hex().substring(0, 12) + "… (" + plan.workload() + ")"),
                                    () -> characterize(device, plan))) {
                        return; // no free region on this device, or a request asked for quiet
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "bring-up pass failed; again in " + PASS_EVERY.toSeconds() + " s", e);
        }
    }

    private boolean hasFreeRegion(Device device) {
        return records.device(device.id()).orElse(device).regions().stream()
                .anyMatch(r -> r.state() == RegionState.FREE);
    }

    /** How a characterization on {@code device} is described while it runs. */
    private static String what(Device device, String image) {
        return "bring-up on " + device.id() + ": " + image;
    }

    private void characterize(Device device, Plan plan) {
        long t0 = System.nanoTime();
        try {
            job.characterize(device.id(), plan);
            LOG.info("Bring-up: characterized " + plan.name() + "-v1 on " + device.id() + " in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (HwpException e) {
            // A request that took the region first wins it, and the next pass tries again; an image that is not
            // stored or cannot be measured here fails every time: after ATTEMPTS it is left until a restart.
            String key = device.id() + " " + plan;
            int n = attempts.merge(key, 1, Integer::sum);
            if (n >= ATTEMPTS) {
                synchronized (lock) {
                    failed.put(key, plan.name() + ": " + e.getMessage());
                }
                LOG.warning("Bring-up of " + plan.name() + " on " + device.id() + " failed " + n + " times, left: "
                        + e.getMessage());
            } else {
                LOG.info("Bring-up of " + plan.name() + " on " + device.id() + " did not complete (" + e.getMessage()
                        + "); tried again later");
            }
        }
    }

    @Override
    public void close() {
        passes.close();
    }
}
