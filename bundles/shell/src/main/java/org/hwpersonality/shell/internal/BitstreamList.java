package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.hwpersonality.api.artifact.Bitstream;
import org.hwpersonality.api.service.BitstreamStore;

/** {@code bitstream:list}: the stored programming images. */
@Service
@Command(scope = "bitstream", name = "list", description = "Lists the stored programming images")
public class BitstreamList implements Action {
    @Option(name = "--no-format", description = "Plain output, for scripts")
    boolean noFormat;

    @Reference
    BitstreamStore bitstreams;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("SHA-256");
        table.column("Name");
        table.column("Vendor");
        table.column("Format");
        table.column("Bytes").alignRight();
        table.column("Interface ID");
        for (Bitstream b : bitstreams.list()) {
            table.addRow()
                    .addContent(
                            b.sha256().hex(),
                            b.name(),
                            b.vendor(),
                            b.format(),
                            b.sizeBytes(),
                            b.interfaceId().orElse("-"));
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
