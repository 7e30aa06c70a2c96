package org.hwpersonality.rest.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.profile.Origin;
import org.hwpersonality.api.profile.PersonalityProfile;
import org.hwpersonality.api.service.ManagementService;
import org.hwpersonality.api.service.ProfileQuery;
import org.hwpersonality.api.service.ProfileRepository;
import org.hwpersonality.json.ProfileFiles;

/** Profiles: list with filters, one, create (one or a list, as {@code personality:import} reads), retire. */
final class ProfileRoutes {
    private final ProfileRepository profiles;
    private final ManagementService management;

    ProfileRoutes(ProfileRepository profiles, ManagementService management) {
        this.profiles = profiles;
        this.management = management;
    }

    List<Route> routes() {
        return List.of(
                Route.of("GET", "/profiles", Access.ADMIN, "profiles, filtered by workload and vendor", this::list)
                        .query("workload", "vendor", "includeRetired", "offset", "limit"),
                Route.of("POST", "/profiles", Access.ADMIN, "create profiles (one object or a list)", this::create)
                        .body(Route.JSON),
                Route.of("GET", "/profiles/{personalityId}", Access.ADMIN, "one profile", this::one),
                Route.of(
                        "GET",
                        "/profiles/{personalityId}/learned",
                        Access.ADMIN,
                        "what the VMs' reports taught of a profile, per device family and workload",
                        this::learned),
                Route.of("DELETE", "/profiles/{personalityId}", Access.ADMIN, "retire a profile", this::retire));
    }

    private void list(Exchange x) throws IOException {
        ProfileQuery query = new ProfileQuery(
                x.query("workload"),
                x.query("vendor"),
                x.queryBoolean("includeRetired", false),
                x.queryInt("offset", 0, 0, Integer.MAX_VALUE),
                x.queryInt("limit", 1000, 1, ProfileQuery.MAX_LIMIT));
        x.ok(profiles.list(query));
    }

    private void one(Exchange x) throws IOException {
        String id = x.path("personalityId");
        x.ok(HwpApi.present(profiles.find(id), "profile", id));
    }

    private void learned(Exchange x) throws IOException {
        String id = x.path("personalityId");
        HwpApi.present(profiles.find(id), "profile", id);
        int minSamples = management.learningMinSamples();
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("personalityId", id);
        out.put("minSamples", minSamples);
        out.put(
                "learned",
                management.learned(id).stream()
                        .map(l -> Views.learned(l, minSamples))
                        .toList());
        x.ok(out);
    }

    private void create(Exchange x) throws IOException {
        byte[] body = x.body();
        List<PersonalityProfile> read = new ProfileFiles()
                .read(new ByteArrayInputStream(body), ProfileFiles.Format.JSON, Origin.ADMIN, Instant.now());
        if (read.isEmpty()) {
            throw new ValidationException("$", "must hold at least one profile");
        }
        List<PersonalityProfile> stored = profiles.storeAll(read);
        List<String> ids =
                stored.stream().map(PersonalityProfile::personalityId).toList();
        Object answer = ids.size() == 1
                ? Map.of("personalityId", ids.get(0), "profile", stored.get(0))
                : Map.of("personalityIds", ids);
        x.created(HwpApi.BASE + "/profiles/" + ids.get(0), answer);
    }

    private void retire(Exchange x) throws IOException {
        String id = x.path("personalityId");
        HwpApi.present(profiles.find(id), "profile", id);
        x.ok(profiles.retire(id));
    }
}
