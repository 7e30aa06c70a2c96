package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.service.DeviceService;

/** {@code device:rescan}: asks every back end for its devices now. */
@Service
@Command(
        scope = "device",
        name = "rescan",
        description = "Asks every back end for its devices now (done every 30 s anyway)")
public class DeviceRescan implements Action {
    @Reference
    DeviceService devices;

    @Override
    public Object execute() {
        devices.rescan();
        System.out.println(devices.devices().size() + " devices");
        return null;
    }
}
