package org.hwpersonality.matcher.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hwpersonality.api.profile.FabricConfiguration;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.WorkloadProfile;

/**
 * Makes profiles that were read one by one (each with its own copies of every string and list) share their equal
 * parts: compatibility, OS support, clocks, memory map, peripherals, tunables and workload names. A catalogue of a
 * million profiles repeats these for each family and tool-chain release, and the copies were most of the index's
 * heap. The profile handed back equals the one given; only what it is made of is shared.
 *
 * <p>The pool keeps at most {@value #LIMIT} distinct parts and starts over when full, so parts of profiles gone
 * since cannot pile up. Not thread-safe: the catalogue calls it under its write lock.
 */
final class SharedParts {
    static final int LIMIT = 50_000;

    private final Map<Object, Object> pool = new HashMap<>();

    PersonalityProfile share(PersonalityProfile p) {
        FabricConfiguration f = p.fabric();
        return new PersonalityProfile(
                p.personalityId(),
                p.name(),
                p.version(),
                p.description(),
                shared(p.compatibility()),
                workloads(p.workloads()),
                shared(p.osSupport()),
                new FabricConfiguration(f.bitstream(), f.regionKind(), f.resources(), shared(f.clocks())),
                shared(p.memoryMap()),
                shared(p.peripherals()),
                shared(p.tunables()),
                p.origin(),
                p.lineage(),
                p.status(),
                p.createdAt());
    }

    /** Each workload's own figures, its name shared (a catalogue has few workloads). */
    private List<WorkloadProfile> workloads(List<WorkloadProfile> workloads) {
        List<WorkloadProfile> out = new ArrayList<>(workloads.size());
        for (WorkloadProfile w : workloads) {
            out.add(new WorkloadProfile(shared(w.workload()), w.performance()));
        }
        return List.copyOf(out);
    }

    @SuppressWarnings("unchecked")
    private <T> T shared(T part) {
        Object known = pool.get(part);
        if (known != null) {
            return (T) known;
        }
        if (pool.size() >= LIMIT) {
            pool.clear();
        }
        pool.put(part, part);
        return part;
    }

    int size() {
        return pool.size();
    }
}
