package org.hwpersonality.shell.internal;

import java.util.List;
import java.util.Set;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.tenant.Tenant;
import org.hwpersonality.api.vm.VmLocation;
import org.hwpersonality.api.vm.VmRegistration;

/**
 * {@code vm:register NAME --os linux [--kernel K] [--host NODE] [--domain DOMAIN] [--tenant TENANT]}: a VM and its
 * API token, printed this once.
 */
@Service
@Command(scope = "vm", name = "register", description = "Registers a VM and prints its API token (shown once)")
public class VmRegister implements Action {
    @Argument(index = 0, name = "name", description = "A name for operators", required = true)
    String name;

    @Argument(index = 1, name = "options", description = "the options may also follow the name", multiValued = true)
    List<String> trailing;

    @Option(name = "--os", description = "Guest OS family, e.g. linux (required)")
    String os;

    @Option(name = "--kernel", description = "Guest kernel version, e.g. 5.15.0")
    String kernel;

    @Option(name = "--host", description = "The node the VM runs on: it is given devices of that node only")
    String host;

    @Option(name = "--domain", description = "The hypervisor's name or UUID for the VM (its libvirt domain)")
    String domain;

    @Option(name = "--tenant", description = "The tenant the VM belongs to (default: default)")
    String tenant;

    @Reference
    ManagementService management;

    @Override
    public Object execute() {
        TrailingOptions after =
                new TrailingOptions(trailing, Set.of("--os", "--kernel", "--host", "--domain", "--tenant"));
        String os = after.get("--os", this.os);
        if (os == null) {
            throw new ValidationException("--os", "is required");
        }
        VmLocation where = VmLocation.of(after.get("--host", host), after.get("--domain", domain));
        String tenant = after.get("--tenant", this.tenant);
        VmRegistration r = management.registerVm(
                name,
                OsInfo.of(os, after.get("--kernel", kernel)),
                where,
                tenant == null ? Tenant.DEFAULT : tenant,
                Actors.current());
        System.out.println("VM     " + r.vm().id());
        System.out.println("Token  " + r.token());
        System.out.println("The token is shown this once; HWP keeps only its SHA-256.");
        return null;
    }
}
