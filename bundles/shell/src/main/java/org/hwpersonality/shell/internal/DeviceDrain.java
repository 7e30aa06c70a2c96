package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.service.DeviceService;

/** {@code device:drain ID}: no new allocations on the device; running ones continue. */
@Service
@Command(scope = "device", name = "drain", description = "Stops new allocations on a device; running ones continue")
public class DeviceDrain implements Action {
    @Argument(index = 0, name = "id", description = "Device ID", required = true)
    @Completion(DeviceIdCompleter.class)
    String id;

    @Reference
    DeviceService devices;

    @Override
    public Object execute() {
        System.out.println("Draining " + devices.drain(id).id());
        return null;
    }
}
