package org.hwpersonality.shell.internal;

import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.ProfileQuery;
import org.hwpersonality.api.service.ProfileRepository;

/** Completes Personality IDs (the first 10,000 in ID order). */
@Service
public class ProfileIdCompleter implements Completer {
    @Reference
    private ProfileRepository repository;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        repository.list(ProfileQuery.ALL).stream()
                .map(PersonalityProfile::personalityId)
                .forEach(ids.getStrings()::add);
        return ids.complete(session, commandLine, candidates);
    }
}
