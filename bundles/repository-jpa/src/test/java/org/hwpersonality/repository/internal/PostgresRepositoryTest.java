package org.hwpersonality.repository.internal;

/** The repository contract on a real PostgreSQL server, the choice for several nodes. */
class PostgresRepositoryTest extends RepositoryContract {
    @Override
    protected TestDatabase open() {
        return TestDatabase.postgres();
    }
}
