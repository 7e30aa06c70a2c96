package org.hwpersonality.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.PersonalityProfile;

/**
 * Reads and writes profile files: JSON or YAML, one profile or a list. Reading is all or nothing: the first bad
 * value stops it with a {@link ValidationException} naming its JSON path ({@code $[2].workloads[0].workload}).
 */
public final class ProfileFiles {
    /** A file format. */
    public enum Format {
        JSON,
        YAML;

        /** The format a file name says ({@code .yaml}, {@code .yml}: YAML; anything else: JSON). */
        public static Format of(String fileName) {
            String lower = fileName.toLowerCase(Locale.ROOT);
            return lower.endsWith(".yaml") || lower.endsWith(".yml") ? YAML : JSON;
        }
    }

    /** At most this many profiles in one file. */
    public static final int MAX_PROFILES = 100_000;

    private final ObjectMapper json = HwpJson.newJsonMapper();
    private final ObjectMapper yaml = HwpJson.newYamlMapper();

    private ObjectMapper mapper(Format format) {
        return format == Format.YAML ? yaml : json;
    }

    /** Reads one profile or a list of them as drafts. */
    public List<ProfileDraft> readDrafts(InputStream in, Format format) {
        ObjectMapper mapper = mapper(format);
        try {
            JsonNode root = mapper.readTree(in);
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new ValidationException("$", "is empty: expected a profile or a list of profiles");
            }
            if (root.isArray()) {
                if (root.size() > MAX_PROFILES) {
                    throw new ValidationException("$", "has " + root.size() + " profiles; at most " + MAX_PROFILES);
                }
                return mapper.readerFor(new TypeReference<List<ProfileDraft>>() {})
                        .readValue(root);
            }
            if (!root.isObject()) {
                throw new ValidationException("$", "must be a profile (an object) or a list of profiles");
            }
            return List.of(mapper.treeToValue(root, ProfileDraft.class));
        } catch (JsonProcessingException e) {
            throw HwpJson.invalid(e);
        } catch (java.io.CharConversionException e) {
            // The parser guessed UTF-16 or UTF-32 from NUL bytes and found no such text.
            throw new ValidationException("$", "is not UTF-8, UTF-16 or UTF-32 text: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a file's profiles, completing what each draft leaves out, and checks that no two share a Personality
     * ID or a name and version. Paths in errors are {@code $…} for a single profile, {@code $[i]…} for a list.
     */
    public List<PersonalityProfile> read(InputStream in, Format format, Origin origin, Instant now) {
        byte[] bytes = readAll(in);
        List<ProfileDraft> drafts = readDrafts(new java.io.ByteArrayInputStream(bytes), format);
        boolean list = startsWithArray(bytes, format);
        List<PersonalityProfile> profiles = new ArrayList<>(drafts.size());
        Map<String, Integer> ids = new HashMap<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < drafts.size(); i++) {
            String at = list ? "$[" + i + "]" : "$";
            PersonalityProfile p;
            try {
                p = drafts.get(i).toProfile(origin, now);
            } catch (ValidationException e) {
                throw e.within(at);
            }
            Integer sameId = ids.putIfAbsent(p.personalityId(), i);
            if (sameId != null) {
                throw new ValidationException(
                        at + ".personalityId", "'" + p.personalityId() + "' is also the ID of $[" + sameId + "]");
            }
            Integer sameName = names.putIfAbsent(p.name() + "\u0000" + p.version(), i);
            if (sameName != null) {
                throw new ValidationException(
                        at + ".version", "'" + p.name() + "' version " + p.version() + " is also $[" + sameName + "]");
            }
            profiles.add(p);
        }
        return profiles;
    }

    /** Writes one profile (as an object) or several (as a list), every field included, so it reads back as is. */
    public void write(List<PersonalityProfile> profiles, OutputStream out, Format format) {
        try {
            Object value = profiles.size() == 1
                    ? ProfileDraft.of(profiles.get(0))
                    : profiles.stream().map(ProfileDraft::of).toList();
            mapper(format).writeValue(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean startsWithArray(byte[] bytes, Format format) {
        try (var parser = mapper(format).getFactory().createParser(bytes)) {
            JsonToken first = parser.nextToken();
            return first == JsonToken.START_ARRAY;
        } catch (IOException e) {
            return false;
        }
    }
}
