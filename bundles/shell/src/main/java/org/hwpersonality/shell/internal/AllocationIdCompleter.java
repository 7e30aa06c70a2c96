package org.hwpersonality.shell.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.service.ManagementService;

/** Completes the IDs of ACTIVE allocations (those that can be released). */
@Service
public class AllocationIdCompleter implements Completer {
    @Reference
    private ManagementService management;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        management.allocations(null, 1_000).stream()
                .filter(a -> a.state() == AllocationState.ACTIVE)
                .forEach(a -> ids.getStrings().add(a.id()));
        return ids.complete(session, commandLine, candidates);
    }
}
