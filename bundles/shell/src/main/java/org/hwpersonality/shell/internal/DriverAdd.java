package org.hwpersonality.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.service.DriverRepository;

/** {@code driver:add FILE}: validates, signs and stores a driver package (zip or tar.gz with hwp-driver.json). */
@Service
@Command(
        scope = "driver",
        name = "add",
        description = "Adds a driver package: a zip or tar.gz with hwp-driver.json at its root")
public class DriverAdd implements Action {
    @Argument(index = 0, name = "file", description = "The package archive", required = true)
    @Completion(FileCompleter.class)
    String file;

    @Reference
    DriverRepository drivers;

    @Override
    public Object execute() throws IOException {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new ValidationException("file", "'" + file + "' is not a readable file");
        }
        DriverPackage stored;
        try (InputStream in = Files.newInputStream(path)) {
            stored = drivers.add(in, path.getFileName().toString());
        }
        System.out.println(stored.id() + " sha256=" + stored.archiveSha256().hex());
        return null;
    }
}
