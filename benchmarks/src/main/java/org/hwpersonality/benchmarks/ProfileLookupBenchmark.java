package org.hwpersonality.benchmarks;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.ProfileQuery;
import org.hwpersonality.repository.internal.JpaProfileRepository;
import org.hwpersonality.repository.internal.TestDatabase;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading from a repository of 100,000 profiles: one profile by Personality ID (target p99 at most 1 ms), and
 * one page of 100 profiles of a workload. Sample-time mode, so JMH reports the percentiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx2g"})
public class ProfileLookupBenchmark {
    private static final String[] WORKLOADS = {
        "ml-inference", "video-transcode", "compression", "database-acceleration", "network-function"
    };

    @Param({"derby", "postgresql"})
    public String database;

    @Param({"100000"})
    public int profiles;

    private TestDatabase db;
    private JpaProfileRepository repository;

    @Setup(Level.Trial)
    public void fill() {
        db = database.equals("derby") ? TestDatabase.derby() : TestDatabase.postgres();
        repository = new JpaProfileRepository(db.database);
        repository.storeAll(Profiles.generate(profiles));
    }

    @TearDown(Level.Trial)
    public void close() {
        db.close();
    }

    @Benchmark
    public PersonalityProfile findById() {
        String id = Profiles.id(ThreadLocalRandom.current().nextInt(profiles));
        return repository.find(id).orElseThrow(() -> new IllegalStateException(id + " missing"));
    }

    @Benchmark
    public List<PersonalityProfile> pageOfAWorkload() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String workload = WORKLOADS[random.nextInt(WORKLOADS.length)];
        List<PersonalityProfile> page = repository.list(
                new ProfileQuery(Optional.of(workload), Optional.empty(), false, random.nextInt(1000), 100));
        if (page.size() != 100) {
            throw new IllegalStateException("page of " + workload + " has " + page.size());
        }
        return page;
    }
}
