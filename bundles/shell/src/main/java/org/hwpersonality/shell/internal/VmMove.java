package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.vm.VirtualMachine;
import org.hwpersonality.api.vm.VmLocation;

/**
 * {@code vm:move VM [--host NODE] [--domain DOMAIN] [--anywhere]}: records where a VM runs now (after a
 * migration). Options not given stay as they are; {@code --anywhere} clears the host.
 */
@Service
@Command(scope = "vm", name = "move", description = "Records the host node and hypervisor domain a VM runs on now")
public class VmMove implements Action {
    @Argument(index = 0, name = "vm", description = "VM ID", required = true)
    @Completion(VmIdCompleter.class)
    String vmId;

    @Option(name = "--host", description = "The node the VM runs on now")
    String host;

    @Option(name = "--domain", description = "The hypervisor's name or UUID for the VM")
    String domain;

    @Option(name = "--anywhere", description = "Clears the host: the VM may be given devices of any node")
    boolean anywhere;

    @Reference
    ManagementService management;

    @Override
    public Object execute() {
        if (anywhere && host != null) {
            throw new ValidationException("--anywhere", "cannot be given with --host");
        }
        if (host == null && domain == null && !anywhere) {
            throw new ValidationException("--host", "or --domain or --anywhere is required");
        }
        VirtualMachine vm = management.vm(vmId).orElseThrow(() -> HwpException.notFound("VM", vmId));
        VmLocation where = new VmLocation(
                anywhere
                        ? java.util.Optional.empty()
                        : host != null
                                ? java.util.Optional.of(host)
                                : vm.location().host(),
                domain != null ? java.util.Optional.of(domain) : vm.location().domain());
        VirtualMachine moved = management.moveVm(vmId, where, Actors.current());
        System.out.println("VM     " + moved.id());
        System.out.println("Host   " + moved.location().host().orElse("any node"));
        System.out.println("Domain " + moved.location().domain().orElse("-"));
        return null;
    }
}
