package org.hwpersonality.shell.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.vm.VirtualMachine;

/** Completes registered VM IDs. */
@Service
public class VmIdCompleter implements Completer {
    @Reference
    private ManagementService management;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        management.vms().stream().map(VirtualMachine::id).forEach(ids.getStrings()::add);
        return ids.complete(session, commandLine, candidates);
    }
}
