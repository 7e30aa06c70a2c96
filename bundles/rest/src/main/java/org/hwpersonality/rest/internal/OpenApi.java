package org.hwpersonality.rest.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Serves {@code openapi.json}, the OpenAPI 3.0 description of every route (a test keeps the two in step). */
final class OpenApi {
    static final String RESOURCE = "/openapi.json";

    private OpenApi() {}

    static void send(Exchange x) throws IOException {
        x.response.setContentType("application/json");
        x.response.setCharacterEncoding("UTF-8");
        try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE);
                OutputStream out = x.response.getOutputStream()) {
            in.transferTo(out);
        }
    }
}
