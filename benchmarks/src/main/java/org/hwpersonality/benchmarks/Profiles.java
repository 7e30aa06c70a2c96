package org.hwpersonality.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.repository.internal.SampleCatalogue;

/** Benchmark profiles: the sample catalogue's profiles, renamed {@code bench-N}, so every family and workload is represented. */
final class Profiles {
    private Profiles() {}

    static List<PersonalityProfile> generate(int count) {
        List<PersonalityProfile> samples = SampleCatalogue.profiles(Instant.parse("2026-11-25T00:00:00Z"));
        List<PersonalityProfile> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            PersonalityProfile p = samples.get(i % samples.size());
            out.add(p.withIdentity(id(i), "bench-" + i, 1));
        }
        return out;
    }

    static String id(int i) {
        return "bench-" + i + "-v1";
    }
}
