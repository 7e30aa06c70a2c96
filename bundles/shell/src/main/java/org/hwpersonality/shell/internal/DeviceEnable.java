package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.service.DeviceService;

/** {@code device:enable ID}: undoes {@code device:drain}; the device takes new allocations again. */
@Service
@Command(scope = "device", name = "enable", description = "Undoes device:drain: the device takes new allocations again")
public class DeviceEnable implements Action {
    @Argument(index = 0, name = "id", description = "Device ID", required = true)
    @Completion(DeviceIdCompleter.class)
    String id;

    @Reference
    DeviceService devices;

    @Override
    public Object execute() {
        System.out.println(id + " is " + devices.enable(id).state() + ": it takes new allocations");
        return null;
    }
}
