package org.hwpersonality.artifacts.internal;

import org.hwpersonality.repository.internal.TestDatabase;

/** Several nodes on one real PostgreSQL database, the choice for a fleet. */
class PostgresSharedArtifactsTest extends SharedArtifactsContract {
    @Override
    protected TestDatabase open() {
        return TestDatabase.postgres();
    }
}
