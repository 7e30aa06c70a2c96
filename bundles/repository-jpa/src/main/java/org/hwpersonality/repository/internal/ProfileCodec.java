package org.hwpersonality.repository.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.profile.ProfileStatus;
import org.hwpersonality.json.HwpJson;
import org.hwpersonality.json.ProfileDraft;

/** A profile as the compact JSON document stored in its row; the status column overrides the document's. */
final class ProfileCodec {
    private final ObjectMapper mapper = HwpJson.newJsonMapper().disable(SerializationFeature.INDENT_OUTPUT);

    String write(PersonalityProfile profile) {
        try {
            return mapper.writeValueAsString(ProfileDraft.of(profile));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write profile " + profile.personalityId(), e);
        }
    }

    PersonalityProfile read(String document, ProfileStatus status) {
        try {
            PersonalityProfile stored =
                    mapper.readValue(document, ProfileDraft.class).toProfile(Origin.ADMIN, Instant.EPOCH);
            return stored.status() == status ? stored : stored.withStatus(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored profile document cannot be read: " + e.getOriginalMessage(), e);
        }
    }
}
