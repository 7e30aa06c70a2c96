package org.hwpersonality.shell.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.tenant.Sharing;

/** {@code personality:share ID [TENANT...] [--public] [--shareable]}: who may load a profile. */
@Service
@Command(
        scope = "personality",
        name = "share",
        description = "Sets who may load a profile: --public (any tenant), or the tenants named (none: administrators"
                + " only); --shareable when it keeps no tenant data, so that regions pass between tenants without a"
                + " clear")
public class PersonalityShare implements Action {
    @Argument(index = 0, name = "id", description = "Personality ID", required = true)
    @Completion(ProfileIdCompleter.class)
    String id;

    @Argument(index = 1, name = "tenants", description = "Tenants that may load it", multiValued = true)
    List<String> tenants;

    @Option(name = "--public", description = "Any tenant may load it")
    boolean publicUse;

    @Option(name = "--shareable", description = "It keeps no tenant data between uses (stateless)")
    boolean shareable;

    @Reference
    ManagementService management;

    @Override
    public Object execute() {
        Sharing s = management.shareProfile(id, Sharings.of(publicUse, tenants, shareable), Actors.current());
        System.out.println("Profile " + id + " may be loaded by " + Sharings.describe(s));
        return null;
    }
}
