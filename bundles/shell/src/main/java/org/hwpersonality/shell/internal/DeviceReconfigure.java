package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.allocation.Reconfiguration;
import org.hwpersonality.api.service.DeviceService;

/** {@code device:reconfigure DEVICE REGION PERSONALITY}: programs a free region by hand. */
@Service
@Command(
        scope = "device",
        name = "reconfigure",
        description = "Programs a free region with a personality's image, by hand")
public class DeviceReconfigure implements Action {
    @Argument(index = 0, name = "device", description = "Device ID", required = true)
    @Completion(DeviceIdCompleter.class)
    String device;

    @Argument(index = 1, name = "region", description = "Region ID (0 for a FULL region)", required = true)
    String region;

    @Argument(index = 2, name = "personality", description = "Personality ID", required = true)
    @Completion(ProfileIdCompleter.class)
    String personality;

    @Reference
    DeviceService devices;

    @Override
    public Object execute() {
        Reconfiguration r = devices.reconfigure(device, region, personality);
        System.out.println(
                r.performed()
                        ? String.format(
                                "Programmed %s/%s with %s in %.1f ms", device, region, personality, r.durationMs())
                        : String.format(
                                "%s/%s already holds %s's image; nothing to program", device, region, personality));
        return null;
    }
}
