package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.service.ManagementService;

/** {@code allocation:release ID}: ends an allocation; its region is free again (and keeps its image for reuse). */
@Service
@Command(scope = "allocation", name = "release", description = "Releases an allocation; its region is freed")
public class AllocationRelease implements Action {
    @Argument(index = 0, name = "id", description = "Allocation ID", required = true)
    @Completion(AllocationIdCompleter.class)
    String id;

    @Reference
    ManagementService management;

    @Override
    public Object execute() {
        Allocation a = management.release(id, Actors.current());
        System.out.println("Released " + a.id() + "; region " + a.regionKey() + " is free");
        return null;
    }
}
