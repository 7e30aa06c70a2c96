package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.service.DriverRepository;

/** {@code driver:remove ID}: removes a driver package; refused while an active allocation needs it. */
@Service
@Command(
        scope = "driver",
        name = "remove",
        description = "Removes a driver package (refused while an allocation uses it)")
public class DriverRemove implements Action {
    @Argument(index = 0, name = "id", description = "Driver package ID", required = true)
    @Completion(DriverIdCompleter.class)
    String id;

    @Reference
    DriverRepository drivers;

    @Override
    public Object execute() {
        drivers.remove(id);
        System.out.println("Removed " + id);
        return null;
    }
}
