package org.hwpersonality.rest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The OpenAPI document describes exactly the routes the servlet serves, with who may call them. */
class OpenApiTest {
    private final HwpApi api = new HwpApi(defaults(), null);

    {
        api.bindRoutes(new ApiRoutes(null, null, null, null, null, null));
    }

    /** The configuration with every default (what SCR passes when there is no configuration). */
    static HwpApi.Config defaults() {
        return (HwpApi.Config) java.lang.reflect.Proxy.newProxyInstance(
                HwpApi.Config.class.getClassLoader(),
                new Class<?>[] {HwpApi.Config.class},
                (proxy, method, args) -> method.getDefaultValue());
    }

    @Test
    void everyRouteIsDocumentedAndNothingElse() throws Exception {
        JsonNode doc = read();
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase() + " " + path.getKey()));
        }
        Set<String> served = api.routes().stream()
                .map(r -> r.method() + " " + r.template())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(documented).isEqualTo(served);
        assertThat(served).hasSizeGreaterThanOrEqualTo(29);
    }

    @Test
    void securityAndPathParametersMatchTheRoutes() throws Exception {
        JsonNode paths = read().get("paths");
        for (Route r : api.routes()) {
            JsonNode op = paths.get(r.template()).get(r.method().toLowerCase());
            JsonNode security = op.get("security");
            Set<String> schemes = new TreeSet<>();
            security.forEach(s -> s.fieldNames().forEachRemaining(schemes::add));
            Set<String> expected = switch (r.access()) {
                case ANYONE -> Set.of();
                case ADMIN, METRICS -> Set.of("basicAuth");
                case ADMIN_OR_VM -> Set.of("basicAuth", "bearerAuth");
            };
            assertThat(schemes).as(r.method() + " " + r.template()).isEqualTo(expected);
            Set<String> pathParameters = new TreeSet<>();
            if (op.has("parameters")) {
                op.get("parameters").forEach(p -> {
                    if (p.get("in").asText().equals("path")) {
                        pathParameters.add(p.get("name").asText());
                    }
                });
            }
            assertThat(pathParameters).as(r.template()).isEqualTo(new TreeSet<>(r.parameters()));
            assertThat(op.get("responses").size()).isPositive();
        }
    }

    @Test
    void bodyTypesAndQueryParametersMatchTheRoutes() throws Exception {
        JsonNode paths = read().get("paths");
        for (Route r : api.routes()) {
            String what = r.method() + " " + r.template();
            JsonNode op = paths.get(r.template()).get(r.method().toLowerCase());
            Set<String> bodyTypes = new TreeSet<>();
            op.path("requestBody").path("content").fieldNames().forEachRemaining(bodyTypes::add);
            assertThat(bodyTypes).as(what).isEqualTo(r.body() == null ? Set.of() : Set.of(r.body()));
            Set<String> query = new TreeSet<>();
            op.path("parameters").forEach(p -> {
                if (p.get("in").asText().equals("query")) {
                    query.add(p.get("name").asText());
                }
            });
            assertThat(query).as(what).isEqualTo(new TreeSet<>(r.queryParameters()));
            if (r.body() != null) {
                assertThat(op.path("responses").has("415"))
                        .as(what + " documents 415")
                        .isTrue();
            }
            if (!r.queryParameters().isEmpty()) {
                assertThat(op.path("responses").has("400"))
                        .as(what + " documents 400")
                        .isTrue();
            }
            if (!Set.of("GET", "HEAD").contains(r.method())) {
                assertThat(op.path("responses").has("403"))
                        .as(what + " documents 403")
                        .isTrue();
            }
        }
    }

    @Test
    void routesMatchOnlyWellFormedIds() {
        Route route = Route.of("GET", "/allocations/{allocationId}", Access.ADMIN_OR_VM, "", x -> {});
        assertThat(route.match("/allocations/alloc-0123456789abcdef"))
                .containsEntry("allocationId", "alloc-0123456789abcdef");
        for (String bad : new String[] {
            "/allocations/",
            "/allocations/../etc/passwd",
            "/allocations/a/b",
            "/allocations/%00",
            "/allocations/.x",
            "/allocations/" + "a".repeat(129),
            "/allocations/a b"
        }) {
            assertThat(route.match(bad)).as(bad).isNull();
        }
    }

    private static JsonNode read() throws Exception {
        try (InputStream in = OpenApi.class.getResourceAsStream(OpenApi.RESOURCE)) {
            return new ObjectMapper().readTree(in);
        }
    }
}
