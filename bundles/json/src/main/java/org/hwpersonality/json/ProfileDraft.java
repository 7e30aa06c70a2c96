package org.hwpersonality.json;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.profile.Compatibility;
import org.hwpersonality.api.profile.FabricConfiguration;
import org.hwpersonality.api.profile.Lineage;
import org.hwpersonality.api.profile.MemoryMap;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.OsSupport;
import org.hwpersonality.api.profile.PeripheralSetting;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.api.profile.Tunable;
import org.hwpersonality.api.profile.WorkloadProfile;

/**
 * A profile as people write it in a file or an HTTP body: the same fields as {@link PersonalityProfile}, but
 * what HWP can assign may be left out — the Personality ID ({@code NAME-vVERSION}), the version (1), the
 * origin, the status (ACTIVE) and the creation time. An exported profile has them all and reads back as is.
 */
public record ProfileDraft(
        Optional<String> personalityId,
        String name,
        Optional<Integer> version,
        String description,
        Compatibility compatibility,
        List<WorkloadProfile> workloads,
        List<OsSupport> osSupport,
        FabricConfiguration fabric,
        MemoryMap memoryMap,
        List<PeripheralSetting> peripherals,
        List<Tunable> tunables,
        Optional<Origin> origin,
        Optional<Lineage> lineage,
        Optional<ProfileStatus> status,
        Optional<Instant> createdAt) {

    /** The draft of an existing profile, every field set. */
    public static ProfileDraft of(PersonalityProfile p) {
        return new ProfileDraft(
                Optional.of(p.personalityId()),
                p.name(),
                Optional.of(p.version()),
                p.description(),
                p.compatibility(),
                p.workloads(),
                p.osSupport(),
                p.fabric(),
                p.memoryMap(),
                p.peripherals(),
                p.tunables(),
                Optional.of(p.origin()),
                p.lineage(),
                Optional.of(p.status()),
                Optional.of(p.createdAt()));
    }

    /**
     * The profile, with {@code origin} and {@code now} where the draft leaves them out. A draft with lineage is
     * DERIVED unless it says otherwise.
     */
    public PersonalityProfile toProfile(Origin defaultOrigin, Instant now) {
        int v = version == null ? 1 : version.orElse(1);
        Optional<Lineage> l = lineage == null ? Optional.empty() : lineage;
        Origin o = origin == null || origin.isEmpty() ? (l.isPresent() ? Origin.DERIVED : defaultOrigin) : origin.get();
        String id = personalityId == null || personalityId.isEmpty() ? defaultId(name, v) : personalityId.get();
        return new PersonalityProfile(
                id,
                name,
                v,
                description,
                compatibility,
                workloads,
                osSupport,
                fabric,
                memoryMap,
                peripherals,
                tunables,
                o,
                l,
                status == null ? ProfileStatus.ACTIVE : status.orElse(ProfileStatus.ACTIVE),
                createdAt == null ? now : createdAt.orElse(now));
    }

    private static String defaultId(String name, int version) {
        if (name == null) {
            throw new ValidationException("name", "is required");
        }
        return name + "-v" + version;
    }
}
