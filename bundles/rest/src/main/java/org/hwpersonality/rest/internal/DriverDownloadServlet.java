package org.hwpersonality.rest.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.Subject;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.service.DriverRepository;
import org.hwpersonality.json.HwpJson;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The driver repository over HTTP: {@code GET /hwp/api/v1/drivers?personalityId=P&os=linux&kernel=K} resolves a
 * package, {@code GET /hwp/api/v1/drivers/{id}} describes one, {@code GET /hwp/api/v1/drivers/{id}/content} sends
 * its bytes with an ETag, a SHA-256 digest header and byte ranges, and {@code GET /hwp/api/v1/drivers/public-key}
 * gives the Ed25519 key that verifies package signatures. Everything but the public key needs an administrator
 * (HTTP Basic, Karaf realm); VMs will reach their own drivers with their tokens.
 */
@Component(
        service = Servlet.class,
        property = {
            "osgi.http.whiteboard.servlet.pattern=/hwp/api/v1/drivers",
            "osgi.http.whiteboard.servlet.pattern=/hwp/api/v1/drivers/*",
            "osgi.http.whiteboard.servlet.name=hwp-drivers"
        })
public class DriverDownloadServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Pattern CONTENT = Pattern.compile("/([A-Za-z0-9][A-Za-z0-9._:-]{0,127})/content");
    private static final Pattern ONE = Pattern.compile("/([A-Za-z0-9][A-Za-z0-9._:-]{0,127})");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final transient DriverRepository drivers;
    private final transient Authenticator authenticator = new Authenticator();
    private final transient ObjectMapper json =
            HwpJson.newJsonMapper().disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

    @Activate
    public DriverDownloadServlet(@Reference DriverRepository drivers) {
        this.drivers = drivers;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            String path = request.getPathInfo() == null ? "" : request.getPathInfo();
            if (path.equals("/public-key")) {
                response.setContentType("application/x-pem-file");
                String pem = "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(drivers.publicKey())
                        + "\n-----END PUBLIC KEY-----\n";
                response.getWriter().write(pem);
                return;
            }
            Optional<Subject> subject = authenticator.login(request.getHeader("Authorization"));
            if (subject.isEmpty()) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"" + Authenticator.REALM + "\"");
                error(response, ErrorCode.UNAUTHORIZED, "credentials are required");
                return;
            }
            if (!Authenticator.isAdmin(subject.get())) {
                error(response, ErrorCode.FORBIDDEN, "the admin role is required");
                return;
            }
            Matcher content = CONTENT.matcher(path);
            Matcher one = ONE.matcher(path);
            if (path.isEmpty() || path.equals("/")) {
                resolve(request, response);
            } else if (content.matches()) {
                send(content.group(1), request, response);
            } else if (one.matches()) {
                DriverPackage p = drivers.find(one.group(1))
                        .orElseThrow(() -> HwpException.notFound("driver package", one.group(1)));
                writeJson(response, p);
            } else {
                error(response, ErrorCode.NOT_FOUND, "no such resource: " + path);
            }
        } catch (HwpException e) {
            error(response, e.code(), e.getMessage());
        }
    }

    private void resolve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String personalityId = request.getParameter("personalityId");
        if (personalityId == null) {
            throw new ValidationException("personalityId", "is required");
        }
        String os = Optional.ofNullable(request.getParameter("os")).orElse("linux");
        OsInfo guest;
        try {
            guest = OsInfo.of(os, request.getParameter("kernel"));
        } catch (ValidationException e) {
            throw new ValidationException(e.field().equals("family") ? "os" : e.field(), e.reason());
        }
        DriverPackage p = drivers.resolve(personalityId, guest)
                .orElseThrow(() -> new HwpException(
                        ErrorCode.NOT_FOUND, "no driver package serves " + personalityId + " on " + os));
        writeJson(response, p);
    }

    private void send(String id, HttpServletRequest request, HttpServletResponse response) throws IOException {
        DriverPackage p = drivers.find(id).orElseThrow(() -> HwpException.notFound("driver package", id));
        String etag = "\"" + p.archiveSha256().hex() + "\"";
        String digest = Base64.getEncoder().encodeToString(p.archiveSha256().bytes());
        response.setHeader("ETag", etag);
        response.setHeader("Digest", "sha-256=" + digest);
        response.setHeader("Repr-Digest", "sha-256=:" + digest + ":");
        response.setHeader("Accept-Ranges", "bytes");
        response.setHeader("Cache-Control", "private, immutable");
        response.setContentType("application/octet-stream");
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null
                && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        long size = p.sizeBytes();
        long from = 0;
        long to = size - 1;
        String range = request.getHeader("Range");
        String ifRange = request.getHeader("If-Range");
        if (range != null && (ifRange == null || ifRange.equals(etag))) {
            Matcher m = RANGE.matcher(range.trim());
            long[] bounds = m.matches() ? bounds(m.group(1), m.group(2), size) : null;
            if (bounds == null) {
                response.setHeader("Content-Range", "bytes */" + size);
                error(
                        response,
                        ErrorCode.INVALID_REQUEST,
                        416,
                        "Range '" + range + "' is not one satisfiable byte range of " + size + " bytes");
                return;
            }
            from = bounds[0];
            to = bounds[1];
            response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
            response.setHeader("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        response.setContentLengthLong(to - from + 1);
        try (InputStream in = drivers.open(id);
                OutputStream out = response.getOutputStream()) {
            in.skipNBytes(from);
            copy(in, out, to - from + 1);
        }
    }

    /** {@code a-b}, {@code a-} or {@code -n} within {@code size}, or null. */
    private static long[] bounds(String first, String last, long size) {
        try {
            if (first.isEmpty() && last.isEmpty()) {
                return null;
            }
            if (first.isEmpty()) {
                long n = Long.parseLong(last);
                return n == 0 ? null : new long[] {Math.max(0, size - n), size - 1};
            }
            long a = Long.parseLong(first);
            long b = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
            return a > b || a >= size ? null : new long[] {a, b};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void copy(InputStream in, OutputStream out, long count) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = count;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("blob shorter than recorded");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private void writeJson(HttpServletResponse response, Object body) throws IOException {
        response.setContentType("application/json");
        json.writeValue(response.getOutputStream(), body);
    }

    private void error(HttpServletResponse response, ErrorCode code, String message) throws IOException {
        error(response, code, code.httpStatus(), message);
    }

    private void error(HttpServletResponse response, ErrorCode code, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        json.writeValue(response.getOutputStream(), Map.of("error", code.name(), "message", message));
    }
}
