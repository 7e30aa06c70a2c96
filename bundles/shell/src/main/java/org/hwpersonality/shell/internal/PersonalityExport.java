package org.hwpersonality.shell.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.json.ProfileFiles;

/** {@code personality:export ID [FILE]}: the profile as JSON (YAML for a .yaml file), importable again. */
@Service
@Command(scope = "personality", name = "export", description = "Exports a hardware personality profile as JSON or YAML")
public class PersonalityExport implements Action {
    @Argument(index = 0, name = "id", description = "Personality ID", required = true)
    @Completion(ProfileIdCompleter.class)
    String id;

    @Argument(index = 1, name = "file", description = "Write to this file instead of the console (.yaml/.yml: YAML)")
    @Completion(FileCompleter.class)
    String file;

    @Reference
    ProfileRepository repository;

    @Override
    public Object execute() throws IOException {
        PersonalityProfile profile = repository.find(id).orElseThrow(() -> HwpException.notFound("profile", id));
        ProfileFiles files = new ProfileFiles();
        if (file == null) {
            files.write(List.of(profile), System.out, ProfileFiles.Format.JSON);
            System.out.println();
            return null;
        }
        Path path = Path.of(file);
        Path temp = Files.createTempFile(path.toAbsolutePath().getParent(), ".export-", ".part");
        try (OutputStream out = Files.newOutputStream(temp)) {
            files.write(List.of(profile), out, ProfileFiles.Format.of(file));
        }
        Files.move(
                temp,
                path,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        System.out.println("Exported " + id + " to " + path);
        return null;
    }
}
