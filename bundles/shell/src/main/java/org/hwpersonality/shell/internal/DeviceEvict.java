package org.hwpersonality.shell.internal;

import java.time.Duration;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.allocation.Eviction;
import org.hwpersonality.api.service.ManagementService;

/** {@code device:evict ID}: drains the device and moves its VMs elsewhere, make-before-break, within a deadline. */
@Service
@Command(
        scope = "device",
        name = "evict",
        description = "Drains a device and moves the VMs it serves to other devices (make-before-break) within a"
                + " deadline")
public class DeviceEvict implements Action {
    @Argument(index = 0, name = "id", description = "Device ID", required = true)
    @Completion(DeviceIdCompleter.class)
    String id;

    @Option(name = "--deadline", aliases = "-d", description = "Seconds to move VMs for (default 300)")
    int deadlineSeconds = 300;

    @Reference
    ManagementService management;

    @Override
    public Object execute() {
        if (deadlineSeconds < 1) {
            throw new org.hwpersonality.api.ValidationException("--deadline", "must be at least 1 second");
        }
        Eviction e = management.evict(id, Duration.ofSeconds(deadlineSeconds), Actors.current());
        for (Map.Entry<String, String> m : e.moved().entrySet()) {
            System.out.println("moved   " + m.getKey() + " -> " + m.getValue());
        }
        for (Map.Entry<String, String> s : e.stayed().entrySet()) {
            System.out.println("stayed  " + s.getKey() + ": " + s.getValue());
        }
        System.out.println(id + " is DRAINING: " + e.moved().size() + " VM(s) moved, "
                + e.stayed().size() + " still on it");
        return null;
    }
}
