package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.service.DriverRepository;

/** {@code driver:resolve PERSONALITY --os linux [--kernel K]}: the package a guest would get. */
@Service
@Command(scope = "driver", name = "resolve", description = "Shows which driver package a guest gets for a personality")
public class DriverResolve implements Action {
    @Argument(index = 0, name = "personality", description = "Personality ID", required = true)
    @Completion(ProfileIdCompleter.class)
    String personalityId;

    @Option(name = "--os", description = "Guest OS family (default linux)")
    String os = "linux";

    @Option(name = "--kernel", description = "Guest kernel version, e.g. 5.15.0-91-generic")
    String kernel;

    @Reference
    DriverRepository drivers;

    @Override
    public Object execute() {
        DriverPackage p = drivers.resolve(personalityId, OsInfo.of(os, kernel))
                .orElseThrow(() -> new HwpException(
                        org.hwpersonality.api.ErrorCode.NOT_FOUND,
                        "no driver package serves " + personalityId + " on " + os
                                + (kernel == null ? "" : " " + kernel)));
        System.out.println(p.id() + " sha256=" + p.archiveSha256().hex());
        return null;
    }
}
