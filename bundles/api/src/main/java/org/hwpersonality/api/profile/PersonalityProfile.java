package org.hwpersonality.api.profile;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.internal.Checks;

/**
 * A Hardware Personality Profile: an FPGA configuration plus the driver information a guest needs to use it,
 * identified by its Personality ID. Immutable once stored: a change is a new {@code version} with a new ID.
 *
 * @param personalityId the unique Personality ID
 * @param name the profile's name, shared by its versions
 * @param version 1 for the first version of a name, then 2, 3…
 * @param description free text for operators
 * @param compatibility the devices it can be programmed on
 * @param workloads the workloads it serves, each with the performance it delivers
 * @param osSupport the guest operating systems and kernels a driver exists for
 * @param fabric the programming image and the fabric resources and clocks it needs
 * @param memoryMap the device-memory layout the driver sees
 * @param peripherals peripheral settings applied with the image
 * @param tunables parameters that adjustment may change, with their effects
 * @param origin how the profile was made
 * @param lineage for a derived profile: its parent and the adjustments applied
 * @param status whether new requests may match it
 * @param createdAt when it was stored
 */
public record PersonalityProfile(
        String personalityId,
        String name,
        int version,
        String description,
        Compatibility compatibility,
        List<WorkloadProfile> workloads,
        List<OsSupport> osSupport,
        FabricConfiguration fabric,
        MemoryMap memoryMap,
        List<PeripheralSetting> peripherals,
        List<Tunable> tunables,
        Origin origin,
        Optional<Lineage> lineage,
        ProfileStatus status,
        Instant createdAt) {

    public static final int MAX_WORKLOADS = 64;
    public static final int MAX_OS = 64;
    public static final int MAX_PERIPHERALS = 64;
    public static final int MAX_TUNABLES = 16;

    public PersonalityProfile {
        Checks.id("personalityId", personalityId);
        Checks.id("name", name);
        if (version < 1) {
            throw new ValidationException("version", "must be 1 or more (was " + version + ")");
        }
        description = Checks.optionalText("description", description, Checks.MAX_TEXT);
        Checks.notNull("compatibility", compatibility);
        workloads = Checks.nonEmptyList("workloads", workloads, MAX_WORKLOADS);
        Checks.unique("workloads", workloads, WorkloadProfile::workload, "workload");
        osSupport = Checks.nonEmptyList("osSupport", osSupport, MAX_OS);
        Checks.notNull("fabric", fabric);
        memoryMap = memoryMap == null ? MemoryMap.EMPTY : memoryMap;
        peripherals = Checks.list("peripherals", peripherals, MAX_PERIPHERALS);
        Checks.unique("peripherals", peripherals, PeripheralSetting::name, "name");
        tunables = Checks.list("tunables", tunables, MAX_TUNABLES);
        Checks.unique("tunables", tunables, Tunable::name, "name");
        Checks.notNull("origin", origin);
        Checks.notNull("lineage", lineage);
        if (origin == Origin.DERIVED && lineage.isEmpty()) {
            throw new ValidationException("lineage", "is required for a DERIVED profile");
        }
        if (origin != Origin.DERIVED && lineage.isPresent()) {
            throw new ValidationException(
                    "lineage", "is only allowed for a DERIVED profile (origin is " + origin + ")");
        }
        if (lineage.isPresent() && lineage.get().parentId().equals(personalityId)) {
            throw new ValidationException("lineage.parentId", "must not be the profile's own ID");
        }
        if (fabric.resources().memoryMb() > 0
                && memoryMap.totalMb() > fabric.resources().memoryMb()) {
            throw new ValidationException(
                    "memoryMap",
                    "maps " + memoryMap.totalMb() + " MiB but fabric.resources.memoryMb is "
                            + fabric.resources().memoryMb());
        }
        Checks.notNull("status", status);
        Checks.notNull("createdAt", createdAt);
    }

    /** The figures for a workload, if the profile serves it. */
    public Optional<WorkloadProfile> workload(String workload) {
        return workloads.stream().filter(w -> w.workload().equals(workload)).findFirst();
    }

    /**
     * The tunables a back end can apply to the card: those that set one of the fabric's clocks ({@link
     * FabricConfiguration#clockSetBy}). Adjustment searches only these; the others stay as documentation.
     */
    public List<Tunable> applicableTunables() {
        for (Tunable t : tunables) {
            if (fabric.clockSetBy(t.name()).isEmpty()) {
                return tunables.stream()
                        .filter(u -> fabric.clockSetBy(u.name()).isPresent())
                        .toList();
            }
        }
        return tunables;
    }

    /** Whether some OS entry covers this guest. */
    public boolean supports(OsInfo os) {
        for (OsSupport s : osSupport) {
            if (s.covers(os)) {
                return true;
            }
        }
        return false;
    }

    /** The same profile under another identity (ID, name and version): a copy to store as a new profile. */
    public PersonalityProfile withIdentity(String newPersonalityId, String newName, int newVersion) {
        return copy(newPersonalityId, newName, newVersion, status);
    }

    /** This profile with another status (the only thing that changes once a profile is stored). */
    public PersonalityProfile withStatus(ProfileStatus newStatus) {
        return copy(personalityId, name, version, newStatus);
    }

    private PersonalityProfile copy(String newId, String newName, int newVersion, ProfileStatus newStatus) {
        return new PersonalityProfile(
                newId,
                newName,
                newVersion,
                description,
                compatibility,
                workloads,
                osSupport,
                fabric,
                memoryMap,
                peripherals,
                tunables,
                origin,
                lineage,
                newStatus,
                createdAt);
    }
}
