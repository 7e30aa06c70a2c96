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
import org.hwpersonality.api.vm.VmRegistration;

/** {@code vm:register NAME --os linux [--kernel K]}: a VM and its API token, printed this once. */
@Service
@Command(scope = "vm", name = "register", description = "Registers a VM and prints its API token (shown once)")
public class VmRegister implements Action {
    @Argument(index = 0, name = "name", description = "A name for operators", required = true)
    String name;

    @Argument(index = 1, name = "options", description = "--os and --kernel may also follow", multiValued = true)
    List<String> trailing;

    @Option(name = "--os", description = "Guest OS family, e.g. linux (required)")
    String os;

    @Option(name = "--kernel", description = "Guest kernel version, e.g. 5.15.0")
    String kernel;

    @Reference
    ManagementService management;

    @Override
    public Object execute() {
        TrailingOptions after = new TrailingOptions(trailing, Set.of("--os", "--kernel"));
        String os = after.get("--os", this.os);
        if (os == null) {
            throw new ValidationException("--os", "is required");
        }
        VmRegistration r = management.registerVm(name, OsInfo.of(os, after.get("--kernel", kernel)), Actors.current());
        System.out.println("VM     " + r.vm().id());
        System.out.println("Token  " + r.token());
        System.out.println("The token is shown this once; HWP keeps only its SHA-256.");
        return null;
    }
}
