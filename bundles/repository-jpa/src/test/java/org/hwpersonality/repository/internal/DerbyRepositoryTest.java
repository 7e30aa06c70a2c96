package org.hwpersonality.repository.internal;

/** The repository contract on embedded Derby, the distribution's default. */
class DerbyRepositoryTest extends RepositoryContract {
    @Override
    protected TestDatabase open() {
        return TestDatabase.derby();
    }
}
