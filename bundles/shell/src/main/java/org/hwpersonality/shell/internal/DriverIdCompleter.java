package org.hwpersonality.shell.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.service.DriverRepository;

/** Completes driver package IDs. */
@Service
public class DriverIdCompleter implements Completer {
    @Reference
    private DriverRepository drivers;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        drivers.list().stream().map(DriverPackage::id).forEach(ids.getStrings()::add);
        return ids.complete(session, commandLine, candidates);
    }
}
