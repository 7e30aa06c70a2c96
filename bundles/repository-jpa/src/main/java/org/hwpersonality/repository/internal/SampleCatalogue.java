package org.hwpersonality.repository.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;
import org.hwpersonality.api.Settings;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.BitstreamStore;
import org.hwpersonality.api.service.DriverRepository;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.api.service.StartupCheck;
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
 * simulated fleet (several workloads on several device families) and does something real out of the box, and
 * adds the samples' programming images and driver packages where they are missing. It does so while it starts, and
 * is a {@link StartupCheck} ({@code hwp.startup=samples}) once done, which the management service waits for.
 */
@Component(
        immediate = true,
        service = StartupCheck.class,
        property = StartupCheck.PROPERTY + "=samples",
        configurationPid = SampleCatalogue.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SampleCatalogue.Config.class)
public class SampleCatalogue implements StartupCheck {
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
    public SampleCatalogue(
            @Reference ProfileRepository repository,
            @Reference BitstreamStore bitstreams,
            @Reference DriverRepository drivers,
            Config config) {
        if (!Settings.check(Config.class, config).enabled()) {
            return;
        }
        List<PersonalityProfile> samples = profiles(Instant.now());
        if (repository.count() == 0) {
            repository.storeAll(samples);
            LOG.info("Loaded " + samples.size() + " sample profiles into the empty repository");
        }
        List<PersonalityProfile> stored = samples.stream()
                .flatMap(p -> repository.find(p.personalityId()).stream())
                .toList();
        int added = SampleArtifacts.install(stored, bitstreams, drivers);
        if (added > 0) {
            LOG.info("Added " + added + " sample programming images and driver packages");
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
