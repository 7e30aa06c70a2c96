package org.hwpersonality.shell.internal;

import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.store.Backups;

/** {@code hwp:backup DIR}: an online copy of the embedded database, to restore with {@code bin/hwp-restore DIR}. */
@Service
@Command(
        scope = "hwp",
        name = "backup",
        description =
                "Copies the embedded database (every profile, device, allocation, VM, event, image, driver package"
                        + " and the signing key) into DIR while HWP serves; bin/hwp-restore DIR restores it on a stopped node")
public class Backup implements Action {
    @Argument(
            index = 0,
            name = "dir",
            description = "A new directory (absolute, or relative to Karaf's home)",
            required = true)
    String dir;

    @Reference
    Backups backups;

    @Override
    public Object execute() {
        Path directory = Path.of(dir);
        if (!directory.isAbsolute()) {
            directory = Path.of(System.getProperty("karaf.home", ".")).resolve(directory);
        }
        Path copy = backups.backup(directory.normalize(), Actors.current());
        System.out.println(
                "Backed up to " + copy + "; restore on a stopped node with: bin/hwp-restore " + directory.normalize());
        return null;
    }
}
