package org.hwpersonality.shell.internal;

import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.service.DriverRepository;

/** {@code driver:show ID}: a driver package with its files, load instructions and signature. */
@Service
@Command(scope = "driver", name = "show", description = "Shows a driver package in full")
public class DriverShow implements Action {
    @Argument(index = 0, name = "id", description = "Driver package ID", required = true)
    @Completion(DriverIdCompleter.class)
    String id;

    @Reference
    DriverRepository drivers;

    @Override
    public Object execute() {
        DriverPackage p = drivers.find(id).orElseThrow(() -> HwpException.notFound("driver package", id));
        PrintStream out = System.out;
        out.println("Package ID : " + p.id());
        out.println("Name       : " + p.name() + " " + p.version());
        out.println("Guest      : " + p.osFamily() + " kernels " + p.kernels() + " " + p.architecture());
        out.println("Serves     : " + String.join(", ", p.serves()));
        out.println("Archive    : sha256 " + p.archiveSha256().hex() + ", " + p.sizeBytes() + " bytes, stored "
                + p.storedAt());
        out.println("Signature  : " + p.signature() + " (Ed25519)");
        out.println("Files      :");
        p.files()
                .forEach(f -> out.printf(
                        "  %-8s %10d  %s  %s%n",
                        f.kind(), f.sizeBytes(), f.sha256().hex(), f.path()));
        out.println("Load       :");
        p.loadInstructions().forEach(l -> out.println("  " + l));
        return null;
    }
}
