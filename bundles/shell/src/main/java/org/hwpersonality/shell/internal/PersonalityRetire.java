package org.hwpersonality.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.ProfileRepository;

/** {@code personality:retire ID}: no longer matched for new requests; running allocations keep it. */
@Service
@Command(
        scope = "personality",
        name = "retire",
        description = "Retires a profile: no new requests match it; running allocations keep it")
public class PersonalityRetire implements Action {
    @Argument(index = 0, name = "id", description = "Personality ID", required = true)
    @Completion(ProfileIdCompleter.class)
    String id;

    @Reference
    ProfileRepository repository;

    @Override
    public Object execute() {
        PersonalityProfile retired = repository.retire(id);
        System.out.println("Retired " + retired.personalityId());
        return null;
    }
}
