package org.hwpersonality.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/** The HWP HTTP API as the agent uses it, with the VM's bearer token. */
final class ApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final URI base;
    private final String token;
    private final HttpClient http;

    ApiClient(URI server, String token) {
        this(server, token, Optional.empty());
    }

    /** With {@code tls}, the trust for an https:// server ({@link ServerTrust}); else the JVM's CA certificates. */
    ApiClient(URI server, String token, Optional<javax.net.ssl.SSLContext> tls) {
        String s = server.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        tls.ifPresent(b::sslContext);
        this.http = b.build();
    }

    /** A successful answer: its status (201, or 202 while the allocation is still being programmed), body, Location. */
    record Answer(int status, JsonNode body, Optional<String> location) {}

    /** {@code POST /personality-requests}. */
    Answer requestPersonality(Map<String, Object> body) throws ApiException {
        return exchange("POST", "personality-requests", body);
    }

    /** {@code POST /vms/{vmId}/repersonalization}. */
    Answer repersonalize(String vmId, Map<String, Object> body) throws ApiException {
        return exchange("POST", "vms/" + vmId + "/repersonalization", body);
    }

    /** {@code POST /vms/{vmId}/reports}: the stored report, with the service's verdict. */
    JsonNode report(String vmId, Map<String, Object> body) throws ApiException {
        return send("POST", "vms/" + vmId + "/reports", body);
    }

    /**
     * {@code location} (an absolute path or URL from a {@code Location} header) as a path relative to the API, if it
     * lies under the API's base: the token is never sent anywhere else.
     */
    Optional<String> withinApi(String location) {
        URI resolved;
        try {
            resolved = base.resolve(location.trim());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String s = resolved.normalize().toString();
        String prefix = base.toString();
        return s.startsWith(prefix) && s.length() > prefix.length()
                ? Optional.of(s.substring(prefix.length()))
                : Optional.empty();
    }

    /**
     * How a VM fetches and checks a driver package, as a request's answer gives it ({@code packageId},
     * {@code sha256}, {@code signature}, {@code url}), from {@code GET /drivers/{packageId}}.
     */
    JsonNode driverReference(String packageId) throws ApiException {
        JsonNode p = get("drivers/" + packageId);
        return JSON.createObjectNode()
                .put("packageId", packageId)
                .put("sha256", p.path("archiveSha256").asText())
                .put("signature", p.path("signature").asText())
                .put("url", "/hwp/api/v1/drivers/" + packageId + "/content");
    }

    /** {@code GET} of a JSON resource, relative to the API. */
    JsonNode get(String path) throws ApiException {
        return send("GET", path, null);
    }

    /** {@code DELETE /allocations/{id}}. */
    JsonNode release(String allocationId) throws ApiException {
        return send("DELETE", "allocations/" + allocationId, null);
    }

    /** {@code GET /drivers/public-key}: the DER bytes of the key in the PEM answer. */
    byte[] publicKey() throws ApiException {
        HttpResponse<String> r = call(builder("drivers/public-key").GET(), HttpResponse.BodyHandlers.ofString());
        String pem = r.body()
                .replace("-----BEGIN PUBLIC KEY-----", "")
                .replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        return Base64.getDecoder().decode(pem);
    }

    /** What a download wrote: its SHA-256 (computed while writing) and the digest the server announced. */
    record Download(Path file, String sha256, Optional<String> announcedSha256) {}

    /** Downloads {@code path} (relative to the API, or absolute under the server) into {@code file}. */
    Download download(String path, Path file, long maxBytes) throws ApiException {
        HttpResponse<InputStream> r = call(builder(path).GET(), HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest sha = sha256();
        long total = 0;
        try (InputStream in = r.body();
                OutputStream out =
                        Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > maxBytes) {
                    throw new ApiException(
                            r.statusCode(),
                            "TOO_LARGE",
                            "the package is larger than " + maxBytes + " bytes",
                            Optional.empty());
                }
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new ApiException(0, "IO", "download of " + path + " failed: " + e.getMessage(), Optional.empty());
        }
        Optional<String> announced = r.headers()
                .firstValue("Digest")
                .filter(d -> d.startsWith("sha-256="))
                .map(d -> HexFormat.of().formatHex(Base64.getDecoder().decode(d.substring(8))));
        return new Download(file, HexFormat.of().formatHex(sha.digest()), announced);
    }

    private JsonNode send(String method, String path, Object body) throws ApiException {
        return exchange(method, path, body).body();
    }

    private Answer exchange(String method, String path, Object body) throws ApiException {
        HttpRequest.Builder b = builder(path).header("Accept", "application/json");
        if (body != null) {
            try {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = call(b, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            return new Answer(
                    r.statusCode(), JSON.readTree(r.body()), r.headers().firstValue("Location"));
        } catch (IOException e) {
            throw new ApiException(r.statusCode(), "BAD_ANSWER", "the answer is not JSON", Optional.empty());
        }
    }

    private HttpRequest.Builder builder(String path) {
        String relative = path.startsWith("/hwp/api/v1/") ? path.substring("/hwp/api/v1/".length()) : path;
        return HttpRequest.newBuilder(base.resolve(relative))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("User-Agent", "hwp-agent/1");
    }

    private <T> HttpResponse<T> call(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) throws ApiException {
        HttpResponse<T> r;
        try {
            r = http.send(b.build(), handler);
        } catch (IOException e) {
            throw new ApiException(0, "UNREACHABLE", String.valueOf(e.getMessage()), Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "INTERRUPTED", "interrupted", Optional.empty());
        }
        if (r.statusCode() >= 400) {
            Optional<Duration> retryAfter = r.headers()
                    .firstValue("Retry-After")
                    .flatMap(v -> {
                        try {
                            return Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
                        } catch (NumberFormatException e) {
                            return Optional.empty();
                        }
                    });
            String code = "HTTP_" + r.statusCode();
            String message = "";
            Object body = r.body();
            String text = body instanceof String s ? s : readQuietly(body);
            try {
                JsonNode error = JSON.readTree(text);
                code = error.path("error").asText(code);
                message = error.path("message").asText("");
            } catch (IOException | RuntimeException e) {
                message = text.length() > 200 ? text.substring(0, 200) : text;
            }
            throw new ApiException(r.statusCode(), code, message, retryAfter);
        }
        return r;
    }

    private static String readQuietly(Object body) {
        if (body instanceof InputStream in) {
            try (in) {
                return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
        return "";
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
