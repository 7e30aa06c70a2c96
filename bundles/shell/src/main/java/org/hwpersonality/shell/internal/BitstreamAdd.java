package org.hwpersonality.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.artifact.Bitstream;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.api.service.BitstreamStore;

/** {@code bitstream:add FILE --vendor V}: stores a programming image by SHA-256 and prints the digest. */
@Service
@Command(
        scope = "bitstream",
        name = "add",
        description = "Stores a programming image (xclbin, GBS, sim …) by its SHA-256")
public class BitstreamAdd implements Action {
    @Argument(index = 0, name = "file", description = "The image file", required = true)
    @Completion(FileCompleter.class)
    String file;

    @Argument(
            index = 1,
            name = "options",
            description = "--vendor, --format and --name may also follow the file",
            multiValued = true)
    List<String> trailing;

    @Option(name = "--vendor", description = "Vendor of the devices it is for (xilinx, intel, sim …); required")
    String vendor;

    @Option(name = "--format", description = "XCLBIN, GBS, AFI or SIM; by default from the file extension")
    String format;

    @Option(name = "--name", description = "Name to record; by default the file name")
    String name;

    @Reference
    BitstreamStore bitstreams;

    @Override
    public Object execute() throws IOException {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new ValidationException("file", "'" + file + "' is not a readable file");
        }
        TrailingOptions after = new TrailingOptions(trailing, Set.of("--vendor", "--format", "--name"));
        String vendor = after.get("--vendor", this.vendor);
        String format = after.get("--format", this.format);
        String name = after.get("--name", this.name);
        if (vendor == null) {
            throw new ValidationException("--vendor", "is required");
        }
        ImageFormat imageFormat = format != null
                ? ImageFormat.parse("--format", format)
                : fromExtension(path.getFileName().toString());
        Bitstream stored;
        try (InputStream in = Files.newInputStream(path)) {
            stored = bitstreams.add(in, name != null ? name : path.getFileName().toString(), vendor, imageFormat);
        }
        System.out.println(stored.sha256().hex());
        return null;
    }

    static ImageFormat fromExtension(String fileName) {
        return ImageFormat.ofFileName(fileName)
                .orElseThrow(() ->
                        new ValidationException("--format", "cannot be told from '" + fileName + "'; give --format"));
    }
}
