package org.hwpersonality.shell.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.hwpersonality.api.device.Device;
import org.hwpersonality.api.service.DeviceService;

/** Completes device IDs. */
@Service
public class DeviceIdCompleter implements Completer {
    @Reference
    private DeviceService devices;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        devices.devices().stream().map(Device::id).forEach(ids.getStrings()::add);
        return ids.complete(session, commandLine, candidates);
    }
}
