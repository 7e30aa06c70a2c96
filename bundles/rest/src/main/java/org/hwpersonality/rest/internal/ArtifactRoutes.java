package org.hwpersonality.rest.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.servlet.http.HttpServletResponse;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.allocation.Allocation;
import org.hwpersonality.api.allocation.AllocationState;
import org.hwpersonality.api.artifact.Bitstream;
import org.hwpersonality.api.artifact.DriverPackage;
import org.hwpersonality.api.artifact.ImageFormat;
import org.hwpersonality.api.service.BitstreamStore;
import org.hwpersonality.api.service.DriverRepository;
import org.hwpersonality.api.service.ManagementService;

/**
 * Programming images and driver packages. Uploads stream into the stores, which check the format and the limits
 * before anything is kept. A VM may resolve and download only the drivers of the allocations it holds; downloads
 * carry an ETag, a SHA-256 digest header and byte ranges; the public key that verifies package signatures is
 * open to anyone.
 */
final class ArtifactRoutes {
    /** Allocation states in which a VM holds its region and may fetch the driver. */
    private static final EnumSet<AllocationState> HOLDING = EnumSet.of(
            AllocationState.RESERVED, AllocationState.PROGRAMMING, AllocationState.ATTACHING, AllocationState.ACTIVE);

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,254}");

    private final BitstreamStore bitstreams;
    private final DriverRepository drivers;
    private final ManagementService management;

    ArtifactRoutes(BitstreamStore bitstreams, DriverRepository drivers, ManagementService management) {
        this.bitstreams = bitstreams;
        this.drivers = drivers;
        this.management = management;
    }

    List<Route> routes() {
        return List.of(
                Route.of("POST", "/bitstreams", Access.ADMIN, "upload a programming image", this::addBitstream)
                        .body(Route.OCTETS)
                        .query("name", "vendor", "format"),
                Route.of("GET", "/bitstreams", Access.ADMIN, "programming images", x -> x.ok(bitstreams.list())),
                Route.of("GET", "/bitstreams/{sha256}", Access.ADMIN, "one programming image", this::bitstream),
                Route.of("POST", "/drivers", Access.ADMIN, "upload a driver package", this::addDriver)
                        .body(Route.OCTETS)
                        .query("fileName"),
                Route.of("GET", "/drivers", Access.ADMIN_OR_VM, "the package for a personality and OS", this::resolve)
                        .query("personalityId", "os", "kernel"),
                Route.of("GET", "/drivers/public-key", Access.ANYONE, "the key that signs packages", this::publicKey),
                Route.of("GET", "/drivers/{packageId}", Access.ADMIN_OR_VM, "one driver package", this::driver),
                Route.of("GET", "/drivers/{packageId}/content", Access.ADMIN_OR_VM, "the package's bytes", this::send),
                Route.of("DELETE", "/drivers/{packageId}", Access.ADMIN, "remove a driver package", this::remove));
    }

    private void addBitstream(Exchange x) throws IOException {
        String name = fileName(x, "name");
        String vendor = x.query("vendor").orElseThrow(() -> HwpApi.required("vendor"));
        ImageFormat format = x.query("format")
                .map(f -> ImageFormat.parse("format", f))
                .or(() -> ImageFormat.ofFileName(name))
                .orElseThrow(() -> new ValidationException(
                        "format", "cannot be told from the name '" + name + "'; give format=XCLBIN|GBS|AFI|SIM"));
        Bitstream stored;
        try (InputStream in = x.stream()) {
            stored = bitstreams.add(in, name, vendor, format);
        }
        x.created(HwpApi.BASE + "/bitstreams/" + stored.sha256().hex(), stored);
    }

    private void bitstream(Exchange x) throws IOException {
        String hex = x.path("sha256");
        org.hwpersonality.api.Sha256 sha;
        try {
            sha = org.hwpersonality.api.Sha256.of(hex);
        } catch (ValidationException e) {
            throw new ValidationException("sha256", e.reason());
        }
        x.ok(HwpApi.present(bitstreams.find(sha), "bitstream", hex));
    }

    private void addDriver(Exchange x) throws IOException {
        String name = fileName(x, "fileName");
        DriverPackage stored;
        try (InputStream in = x.stream()) {
            stored = drivers.add(in, name);
        }
        x.created(HwpApi.BASE + "/drivers/" + stored.id(), stored);
    }

    private static String fileName(Exchange x, String parameter) {
        String name = x.query(parameter).orElseThrow(() -> HwpApi.required(parameter));
        if (!FILE_NAME.matcher(name).matches()) {
            throw new ValidationException(
                    parameter, "must be a plain file name (letters, digits, '.', '_', '+', '-'; no path)");
        }
        return name;
    }

    private void resolve(Exchange x) throws IOException {
        String personalityId = x.query("personalityId").orElseThrow(() -> HwpApi.required("personalityId"));
        if (!Route.ID.matcher(personalityId).matches()) {
            throw new ValidationException("personalityId", "must be a Personality ID such as zstd-u250-v1");
        }
        OsInfo guest;
        try {
            guest = OsInfo.of(x.query("os").orElse("linux"), x.query("kernel").orElse(null));
        } catch (ValidationException e) {
            throw new ValidationException(e.field().equals("family") ? "os" : e.field(), e.reason());
        }
        // A VM asking for a personality it does not hold gets the answer for one that has no package: it learns
        // nothing about what others hold or what is stored.
        HwpException none = new HwpException(
                ErrorCode.NOT_FOUND, "no driver package serves " + personalityId + " on " + guest.family());
        if (x.caller.vm().isPresent()
                && held(x).stream().noneMatch(a -> a.personalityId().equals(personalityId))) {
            throw none;
        }
        x.ok(drivers.resolve(personalityId, guest).orElseThrow(() -> none));
    }

    private List<Allocation> held(Exchange x) {
        return management.allocations(x.caller.vm().get().id(), 20).stream()
                .filter(a -> HOLDING.contains(a.state()))
                .toList();
    }

    /**
     * The package, if the caller may have it: an administrator any, a VM those of its allocations. A package a VM
     * may not have is, to that VM, one that does not exist (the same 404), so it cannot probe for others' packages.
     */
    private DriverPackage visible(Exchange x) {
        String id = x.path("packageId");
        if (x.caller.vm().isPresent()
                && held(x).stream().noneMatch(a -> a.driverPackageId().equals(Optional.of(id)))) {
            throw HwpException.notFound("driver package", id);
        }
        return HwpApi.present(drivers.find(id), "driver package", id);
    }

    private void driver(Exchange x) throws IOException {
        x.ok(visible(x));
    }

    private void remove(Exchange x) throws IOException {
        String id = x.path("packageId");
        HwpApi.present(drivers.find(id), "driver package", id);
        drivers.remove(id);
        x.ok(Map.of("packageId", id, "removed", true));
    }

    private void publicKey(Exchange x) throws IOException {
        x.response.setContentType("application/x-pem-file");
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(drivers.publicKey())
                + "\n-----END PUBLIC KEY-----\n";
        x.response.getWriter().write(pem);
    }

    private void send(Exchange x) throws IOException {
        DriverPackage p = visible(x);
        HttpServletResponse response = x.response;
        String etag = "\"" + p.archiveSha256().hex() + "\"";
        String digest = Base64.getEncoder().encodeToString(p.archiveSha256().bytes());
        response.setHeader("ETag", etag);
        response.setHeader("Digest", "sha-256=" + digest);
        response.setHeader("Repr-Digest", "sha-256=:" + digest + ":");
        response.setHeader("Accept-Ranges", "bytes");
        response.setHeader("Cache-Control", "private, immutable");
        response.setContentType("application/octet-stream");
        String ifNoneMatch = x.request.getHeader("If-None-Match");
        if (ifNoneMatch != null
                && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        long size = p.sizeBytes();
        long from = 0;
        long to = size - 1;
        String range = x.request.getHeader("Range");
        String ifRange = x.request.getHeader("If-Range");
        if (range != null && (ifRange == null || ifRange.equals(etag))) {
            Matcher m = RANGE.matcher(range.trim());
            long[] bounds = m.matches() ? bounds(m.group(1), m.group(2), size) : null;
            if (bounds == null) {
                response.setHeader("Content-Range", "bytes */" + size);
                x.send(
                        416,
                        Map.of(
                                "error",
                                ErrorCode.INVALID_REQUEST.name(),
                                "message",
                                "Range is not one satisfiable byte range of " + size + " bytes"));
                return;
            }
            from = bounds[0];
            to = bounds[1];
            response.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
            response.setHeader("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        response.setContentLengthLong(to - from + 1);
        try (InputStream in = drivers.open(p.id());
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
}
