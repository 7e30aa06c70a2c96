package org.hwpersonality.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
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
}
