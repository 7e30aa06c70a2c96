package org.hwpersonality.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.hwpersonality.api.ValidationException;
import org.junit.jupiter.api.Test;

class RouteTest {
    private static Route route(String template) {
        return Route.of("GET", template, Access.ADMIN, "test", exchange -> {});
    }

    @Test
    void aTemplateWithoutParametersMatchesItsPathExactly() {
        Route health = route("/health");
        assertThat(health.match("/health")).isEmpty();
        assertThat(health.match("/health/")).isNull();
        assertThat(health.match("/healthz")).isNull();
        assertThat(health.match("/")).isNull();
    }

    @Test
    void parametersAreOneSegmentOfIdCharacters() {
        Route release = route("/vms/{vmId}/allocations/{allocationId}");
        assertThat(release.match("/vms/vm-1/allocations/alloc-019acd3e5f21"))
                .isEqualTo(Map.of("vmId", "vm-1", "allocationId", "alloc-019acd3e5f21"));
        assertThat(release.match("/vms/vm-1/allocations/")).isNull();
        assertThat(release.match("/vms/vm-1/allocations/a/b")).isNull();
        assertThat(release.match("/vms/../allocations/a")).isNull();
        assertThat(release.match("/vms/vm%2F1/allocations/a")).isNull();
        assertThat(release.match("/vms/" + "v".repeat(129) + "/allocations/a")).isNull();
        assertThat(release.match("/devices/vm-1/allocations/a"))
                .as("another literal start")
                .isNull();
    }

    @Test
    void aJsonRouteTakesOnlyJsonInUtf8() {
        Route register = Route.of("POST", "/vms", Access.ADMIN, "test", x -> {}).body(Route.JSON);
        assertThatCode(() -> register.checkBody("application/json", true)).doesNotThrowAnyException();
        assertThatCode(() -> register.checkBody("Application/JSON; charset=UTF-8", true))
                .doesNotThrowAnyException();
        assertThatCode(() -> register.checkBody("application/json;charset=\"utf-8\"", true))
                .doesNotThrowAnyException();
        // What a page of another site can send without asking first, and other types.
        for (String type : new String[] {
            "text/plain",
            "text/plain;charset=UTF-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/json-patch+json",
            "application/jsonx",
            "application/octet-stream"
        }) {
            assertThatThrownBy(() -> register.checkBody(type, true))
                    .as(type)
                    .isInstanceOf(Exchange.UnsupportedMediaType.class)
                    .hasMessageStartingWith("Content-Type: must be application/json");
        }
        assertThatThrownBy(() -> register.checkBody(null, true))
                .isInstanceOf(Exchange.UnsupportedMediaType.class)
                .hasMessage("Content-Type: must be application/json (none was given)");
        assertThatThrownBy(() -> register.checkBody(null, false)).isInstanceOf(Exchange.UnsupportedMediaType.class);
        assertThatThrownBy(() -> register.checkBody("application/json; charset=UTF-16", true))
                .isInstanceOf(Exchange.UnsupportedMediaType.class)
                .hasMessageContaining("UTF-8");
    }

    @Test
    void anUploadTakesOnlyOctetStream() {
        Route upload =
                Route.of("POST", "/drivers", Access.ADMIN, "test", x -> {}).body(Route.OCTETS);
        assertThatCode(() -> upload.checkBody("application/octet-stream", true)).doesNotThrowAnyException();
        assertThatThrownBy(() -> upload.checkBody("application/x-www-form-urlencoded", true))
                .isInstanceOf(Exchange.UnsupportedMediaType.class)
                .hasMessageContaining("application/octet-stream");
        assertThatThrownBy(() -> upload.checkBody(null, true)).isInstanceOf(Exchange.UnsupportedMediaType.class);
    }

    @Test
    void aRouteWithoutBodyRefusesOne() {
        Route drain = Route.of("POST", "/devices/{deviceId}/drain", Access.ADMIN, "test", x -> {});
        assertThatCode(() -> drain.checkBody(null, false)).doesNotThrowAnyException();
        assertThatCode(() -> drain.checkBody("text/plain", false))
                .as("a type but an empty body")
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> drain.checkBody("text/plain", true))
                .isInstanceOf(Exchange.UnsupportedMediaType.class)
                .hasMessage("Content-Type: POST /devices/{deviceId}/drain takes no body");
    }

    @Test
    void aQueryParameterTheRouteDoesNotReadIsRefusedByName() {
        Route events = route("/events").query("limit", "subjectId");
        assertThatCode(() -> events.checkQuery(Set.of("limit", "subjectId"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> events.checkQuery(Set.of("limit", "since")))
                .isInstanceOf(ValidationException.class)
                .hasMessage("since: is not a query parameter of /events (known: limit, subjectId)");
        assertThatThrownBy(() -> route("/health").checkQuery(Set.of("verbose")))
                .hasMessage("verbose: is not a query parameter of /health (this route reads none)");
    }
}
