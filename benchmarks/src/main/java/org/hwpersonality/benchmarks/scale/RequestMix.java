package org.hwpersonality.benchmarks.scale;

import java.util.Optional;
import java.util.Random;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.PerformanceFigures;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.WorkloadProfile;
import org.hwpersonality.api.request.PersonalityRequest;
import org.hwpersonality.api.request.Requirements;
import org.hwpersonality.api.service.MatchIndex;

/**
 * Requests drawn from the catalogue in the index: a random profile's workload, with a throughput floor at 50–100 % of
 * what it delivers (80 %), above what most deliver (1.5–3 times: 10 %, the adjustment path) or with a latency ceiling
 * few meet (30 % of its latency: 10 %); half with a latency ceiling, three in ten with a power ceiling, one in ten
 * with a memory minimum. Guests: Linux 3.10 to 6.8 (90 %, eight kernels) and Windows (10 %).
 */
final class RequestMix {
    private static final String[] KERNELS = {"3.10.0", "4.18.0", "5.4.0", "5.10.0", "5.15.0", "6.1.0", "6.5.0", "6.8.0"
    };

    private final MatchIndex index;
    private final int profiles;
    private final Random random;

    RequestMix(MatchIndex index, int profiles, Random random) {
        this.index = index;
        this.profiles = profiles;
        this.random = random;
    }

    PersonalityRequest[] requests(int count) {
        PersonalityRequest[] out = new PersonalityRequest[count];
        for (int i = 0; i < count; ) {
            Optional<PersonalityProfile> p = index.profile(ScaleCatalogue.id(random.nextInt(profiles)));
            if (p.isEmpty()) {
                continue; // retired
            }
            WorkloadProfile w =
                    p.get().workloads().get(random.nextInt(p.get().workloads().size()));
            out[i] = new PersonalityRequest("vm-" + i, guest(), w.workload(), requirements(w.performance(), p.get()));
            i++;
        }
        return out;
    }

    private OsInfo guest() {
        return random.nextInt(10) == 0
                ? OsInfo.of("windows", null)
                : OsInfo.of("linux", KERNELS[random.nextInt(KERNELS.length)]);
    }

    private Requirements requirements(PerformanceFigures f, PersonalityProfile p) {
        int kind = random.nextInt(10);
        double floor = kind == 0
                ? f.throughputGops() * (1.5 + 1.5 * random.nextDouble())
                : f.throughputGops() * (0.5 + 0.5 * random.nextDouble());
        double t = random.nextDouble();
        Optional<Double> latency = kind == 1
                ? Optional.of(f.latencyUs() * 0.3)
                : t < 0.5 ? Optional.of(f.latencyUs() * 1.5) : Optional.empty();
        Optional<Double> power = random.nextDouble() < 0.3 ? Optional.of(f.powerWatts() * 1.2) : Optional.empty();
        Optional<Long> memory = random.nextInt(10) == 0
                ? Optional.of(Math.max(1, p.fabric().resources().memoryMb() / 2))
                : Optional.empty();
        return new Requirements(Optional.of(floor), latency, power, memory);
    }
}
