package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.Sha256;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.device.Region;
import org.hwpersonality.api.service.DeviceService;

/** {@code device:show ID}: a device's regions, what each holds, and its health. */
@Service
@Command(scope = "device", name = "show", description = "Shows a device: its regions, what they hold, its health")
public class DeviceShow implements Action {
    @Argument(index = 0, name = "id", description = "Device ID", required = true)
    @Completion(DeviceIdCompleter.class)
    String id;

    @Reference
    DeviceService devices;

    @Override
    public Object execute() {
        Device d = devices.device(id).orElseThrow(() -> HwpException.notFound("device", id));
        System.out.println("Device    : " + d.id() + " (" + d.vendor() + " " + d.model() + ")");
        System.out.println("Node      : " + d.node() + ", which knows it as " + d.localId());
        System.out.println("Family    : " + d.family() + ", shell interface " + d.interfaceId());
        System.out.println("Back end  : " + d.backend() + ", state " + d.state());
        System.out.println("Health    : " + (d.health().healthy() ? "healthy" : "DEGRADED") + " "
                + d.health().message()
                + d.health().temperatureCelsius().map(t -> ", " + t + " °C").orElse(""));
        devices.bringUp(d.id()).ifPresent(b -> System.out.println("Bring-up  : " + b));
        ShellTable table = new ShellTable();
        table.column("Region");
        table.column("Kind");
        table.column("State");
        table.column("Personality");
        table.column("Image");
        table.column("Guest function");
        table.column("Tenant");
        table.column("LUTs").alignRight();
        table.column("Memory MiB").alignRight();
        for (Region r : d.regions()) {
            table.addRow()
                    .addContent(
                            r.id(),
                            r.kind(),
                            r.state(),
                            r.loadedPersonalityId().orElse("-"),
                            r.loadedImage()
                                    .map(Sha256::hex)
                                    .map(h -> h.substring(0, 12) + "…")
                                    .orElse("-"),
                            r.guestFunction().map(Object::toString).orElse("-"),
                            r.tenant().orElse("-"),
                            r.capacity().luts(),
                            r.capacity().memoryMb());
        }
        table.print(System.out);
        return null;
    }
}
