package org.hwpersonality.artifacts.internal;

import org.hwpersonality.repository.internal.TestDatabase;

/** Several nodes on one embedded Derby database (nodes of one JVM: Derby is the single-node default). */
class DerbySharedArtifactsTest extends SharedArtifactsContract {
    @Override
    protected TestDatabase open() {
        return TestDatabase.derby();
    }
}
