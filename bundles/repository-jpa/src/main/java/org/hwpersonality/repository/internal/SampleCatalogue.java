package org.hwpersonality.repository.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.json.ProfileFiles;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Loads the sample catalogue into an empty repository, so that a new installation has profiles for the
 * simulated fleet (several workloads on several device families) and does something real out of the box.
 */
@Component(
        immediate = true,
        service = {},
        configurationPid = SampleCatalogue.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SampleCatalogue.Config.class)
public class SampleCatalogue {
    static final String PID = "org.hwpersonality.samples";
    static final String RESOURCE = "/samples/profiles.yaml";
    private static final Logger LOG = Logger.getLogger(SampleCatalogue.class.getName());

    /** Whether to load the samples. */
    @ObjectClassDefinition(
            name = "HWP Sample Catalogue",
            description = "Sample profiles loaded into an empty repository.")
    public @interface Config {
        @AttributeDefinition(
                name = "Load samples",
                description = "Load the sample profiles when the repository is empty.")
        boolean enabled() default true;
    }

    @Activate
    public SampleCatalogue(@Reference ProfileRepository repository, Config config) {
        if (config.enabled() && repository.count() == 0) {
            List<PersonalityProfile> stored = repository.storeAll(profiles(Instant.now()));
            LOG.info("Loaded " + stored.size() + " sample profiles into the empty repository");
        }
    }

    /** The sample profiles, as IMPORTED profiles created at {@code now}. */
    public static List<PersonalityProfile> profiles(Instant now) {
        try (InputStream in = SampleCatalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the bundle");
            }
            return new ProfileFiles().read(in, ProfileFiles.Format.YAML, Origin.IMPORTED, now);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
