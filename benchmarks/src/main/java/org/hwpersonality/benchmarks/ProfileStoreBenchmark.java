package org.hwpersonality.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hwpersonality.api.profile.PersonalityProfile;
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
 * Storing 100,000 profiles into an empty repository in one import (one transaction, durable commit), on
 * embedded Derby and on PostgreSQL. Target: at most 60 s on embedded Derby.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 2)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx2g"})
public class ProfileStoreBenchmark {
    @Param({"derby", "postgresql"})
    public String database;

    @Param({"100000"})
    public int profiles;

    private List<PersonalityProfile> batch;
    private TestDatabase db;
    private JpaProfileRepository repository;

    @Setup(Level.Trial)
    public void generate() {
        batch = Profiles.generate(profiles);
    }

    @Setup(Level.Iteration)
    public void emptyRepository() {
        db = database.equals("derby") ? TestDatabase.derby() : TestDatabase.postgres();
        repository = new JpaProfileRepository(db.database);
    }

    @TearDown(Level.Iteration)
    public void check() {
        if (repository.count() != profiles) {
            throw new IllegalStateException("stored " + repository.count() + " of " + profiles);
        }
        db.close();
    }

    @Benchmark
    public List<PersonalityProfile> storeAll() {
        return repository.storeAll(batch);
    }
}
