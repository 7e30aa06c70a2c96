package org.hwpersonality.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.json.ProfileFiles;

/**
 * {@code personality:import FILE}: stores the profiles of a JSON or YAML file (one or a list), all or none, and
 * prints their Personality IDs.
 */
@Service
@Command(
        scope = "personality",
        name = "import",
        description = "Imports hardware personality profiles from a JSON or YAML file")
public class PersonalityImport implements Action {
    @Argument(
            index = 0,
            name = "file",
            description = "JSON or YAML file (.yaml/.yml is YAML) with one profile or a list",
            required = true)
    @Completion(FileCompleter.class)
    String file;

    @Reference
    ProfileRepository repository;

    @Override
    public Object execute() throws IOException {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new ValidationException("file", "'" + file + "' is not a readable file");
        }
        boolean large = Files.size(path) > (1 << 20);
        long start = System.nanoTime();
        if (large) {
            System.out.println(
                    "Reading and checking " + path.getFileName() + " (" + Files.size(path) / (1 << 20) + " MiB)…");
        }
        List<PersonalityProfile> profiles;
        try (InputStream in = Files.newInputStream(path)) {
            profiles = new ProfileFiles().read(in, ProfileFiles.Format.of(file), Origin.IMPORTED, Instant.now());
        }
        boolean many = large || profiles.size() > 100;
        if (many) {
            System.out.printf(
                    "Read %d profiles in %.1f s; storing them in one transaction (all or none)…%n",
                    profiles.size(), (System.nanoTime() - start) / 1e9);
        }
        List<PersonalityProfile> stored = repository.storeAll(profiles);
        if (many) {
            System.out.printf(
                    "Imported %d profiles in %.1f s: %s … %s%n",
                    stored.size(),
                    (System.nanoTime() - start) / 1e9,
                    stored.get(0).personalityId(),
                    stored.get(stored.size() - 1).personalityId());
        } else {
            stored.forEach(p -> System.out.println(p.personalityId()));
        }
        return null;
    }
}
