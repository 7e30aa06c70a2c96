package org.hwpersonality.shell.internal;

import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.WorkloadProfile;
import org.hwpersonality.api.service.ProfileQuery;
import org.hwpersonality.api.service.ProfileRepository;

/** {@code personality:list}: the profiles in the repository. */
@Service
@Command(scope = "personality", name = "list", description = "Lists hardware personality profiles")
public class PersonalityList implements Action {
    @Option(name = "--workload", description = "Only profiles that serve this workload (e.g. ml-inference)")
    String workload;

    @Option(name = "--vendor", description = "Only profiles for this vendor's devices (e.g. xilinx)")
    String vendor;

    @Option(name = "--active", description = "Hide retired profiles")
    boolean activeOnly;

    @Option(name = "--offset", description = "Skip this many profiles (in ID order)")
    int offset;

    @Option(name = "--limit", description = "Show at most this many profiles (default 1000)")
    int limit = 1000;

    @Option(name = "--no-format", description = "Plain output, for scripts")
    boolean noFormat;

    @Reference
    ProfileRepository repository;

    @Override
    public Object execute() {
        ProfileQuery query = new ProfileQuery(
                Optional.ofNullable(workload), Optional.ofNullable(vendor), !activeOnly, offset, limit);
        ShellTable table = new ShellTable();
        table.column("ID");
        table.column("Name");
        table.column("Vendor");
        table.column("Family");
        table.column("Workloads");
        table.column("Origin");
        table.column("Status");
        for (PersonalityProfile p : repository.list(query)) {
            table.addRow()
                    .addContent(
                            p.personalityId(),
                            p.name(),
                            p.compatibility().vendor(),
                            p.compatibility().family(),
                            p.workloads().stream()
                                    .map(WorkloadProfile::workload)
                                    .collect(Collectors.joining(",")),
                            p.origin(),
                            p.status());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
