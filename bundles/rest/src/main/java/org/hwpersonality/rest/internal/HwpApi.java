package org.hwpersonality.rest.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.auth.Subject;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.Settings;
import org.hwpersonality.api.ValidationException;
import org.hwpersonality.api.service.StartupCheck;
import org.hwpersonality.json.HwpJson;
import org.hwpersonality.metrics.HwpMetrics;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The HTTP API under {@code /hwp/api/v1} (see {@code openapi.json}, served at {@code /hwp/api/v1/openapi.json}):
 * one servlet on the OSGi HTTP whiteboard that authenticates the caller, finds the route, checks who may call it,
 * and turns every failure into {@code {"error","message"}} with the status of its {@link ErrorCode}.
 *
 * <p>Administrators log in with HTTP Basic against the Karaf JAAS realm; VMs send {@code Authorization: Bearer
 * TOKEN}. A malformed or wrong credential is a 401 even on routes open to anyone, so a client learns at once.
 * State-changing requests from a page of another origin are refused ({@link CrossSiteCheck}), and so are bodies not
 * of the type a route declares and query parameters it does not read ({@link Route}).
 */
@Component(
        service = Servlet.class,
        configurationPid = "org.hwpersonality.rest",
        property = {
            "osgi.http.whiteboard.servlet.pattern=" + HwpApi.BASE,
            "osgi.http.whiteboard.servlet.pattern=" + HwpApi.BASE + "/*",
            "osgi.http.whiteboard.servlet.name=hwp-api"
        })
@Designate(ocd = HwpApi.Config.class)
public class HwpApi extends HttpServlet {
    @ObjectClassDefinition(name = "HWP HTTP API", description = "The HTTP API under /hwp/api/v1.")
    public @interface Config {
        @AttributeDefinition(
                name = "Allowed origins",
                description =
                        "Origins (scheme://host[:port], e.g. https://portal.example.com; several separated by commas) whose pages may send"
                                + " state-changing requests (POST, PUT, PATCH, DELETE) with a browser's credentials, besides"
                                + " the API's own origin. Empty by default: a request whose Origin header names another"
                                + " origin, or whose Sec-Fetch-Site is cross-site, is refused with 403. Requests without an"
                                + " Origin header (curl, the agent, scripts) are not affected. The usual entry is the public"
                                + " origin of a reverse proxy that changes scheme, host or port on the way (the API serves no"
                                + " CORS headers, so pages of other sites cannot read its answers either way).")
        String[] allowedOrigins() default {};
    }

    static final String BASE = "/hwp/api/v1";
    /** The request attribute that holds the template of the route a request matched, for its metrics. */
    private static final String ROUTE = "org.hwpersonality.rest.route";
    /** Seconds a client should wait after a 503 before asking again. */
    static final int RETRY_AFTER_SECONDS = 5;

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(HwpApi.class.getName());

    private final transient HwpMetrics metrics;
    private final transient Authenticator authenticator = new Authenticator();
    private final transient ObjectMapper json = HwpJson.newJsonMapper().disable(SerializationFeature.INDENT_OUTPUT);
    private final transient CrossSiteCheck crossSite;
    /** What this servlet serves itself: the OpenAPI document and the metrics. */
    private final transient List<Route> own;
    /** While {@link ApiRoutes} is absent: health says DOWN and why. */
    private final transient List<Route> notReady;
    /** The routes on the database's services, while they are there, and every route served meanwhile. */
    private transient volatile Serving serving;
    /** The parts still starting (the database's connection among them), for the reason health gives. */
    private final transient List<StartupCheck> starting = new CopyOnWriteArrayList<>();

    @Activate
    public HwpApi(Config config, @Reference HwpMetrics metrics) {
        this.metrics = metrics;
        this.crossSite = new CrossSiteCheck(Settings.check(Config.class, config).allowedOrigins());
        this.own = List.of(
                Route.of("GET", "/openapi.json", Access.ANYONE, "this document", OpenApi::send),
                new MetricsRoute(metrics).route());
        this.notReady = List.of(
                Route.of("GET", "/health", Access.ANYONE, "whether this node is ready to serve", this::down),
                Route.of("GET", "/health/ready", Access.ANYONE, "the same as /health", this::down),
                Route.of(
                        "GET",
                        "/health/live",
                        Access.ANYONE,
                        "whether the process answers",
                        x -> x.send(200, Map.of("status", "UP"))));
        this.serving = serving(null);
    }

    /** What is served: the routes on the database's services ({@code api}, null while absent) and the whole list. */
    private record Serving(ApiRoutes api, List<Route> routes) {}

    private Serving serving(ApiRoutes api) {
        List<Route> all = new ArrayList<>(own);
        all.addAll(api == null ? notReady : api.routes());
        return new Serving(api, List.copyOf(all));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindRoutes(ApiRoutes routes) {
        this.serving = serving(routes);
    }

    void unbindRoutes(ApiRoutes routes) {
        if (this.serving.api() == routes) {
            this.serving = serving(null);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindStartupCheck(StartupCheck check) {
        starting.add(check);
    }

    void unbindStartupCheck(StartupCheck check) {
        starting.remove(check);
    }

    /** Health while the services on the database are absent: DOWN, and for an administrator why. */
    private void down(Exchange x) throws IOException {
        List<String> pending = new ArrayList<>();
        for (StartupCheck check : starting) {
            check.pending().ifPresent(pending::add);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "DOWN");
        if (x.caller.admin()) {
            body.put(
                    "parts",
                    Map.of(
                            "database",
                            Map.of(
                                    "status",
                                    "DOWN",
                                    "message",
                                    pending.isEmpty()
                                            ? "the services on the database are starting"
                                            : String.join("; ", pending))));
        }
        x.response.setHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
        x.send(503, body);
    }

    /** Every route served now. */
    List<Route> routes() {
        return serving.routes();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long started = System.nanoTime();
        try {
            serve(request, response);
        } finally {
            Object route = request.getAttribute(ROUTE);
            metrics.request(
                    route == null ? "unmatched" : (String) route,
                    request.getMethod(),
                    response.getStatus(),
                    System.nanoTime() - started);
        }
    }

    private void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            handle(request, response);
        } catch (Exchange.PayloadTooLarge e) {
            error(response, 413, ErrorCode.INVALID_REQUEST, e.getMessage());
        } catch (Exchange.UnsupportedMediaType e) {
            error(response, 415, ErrorCode.INVALID_REQUEST, e.getMessage());
        } catch (HwpException e) {
            if (e.code() == ErrorCode.NO_CAPACITY
                    || e.code() == ErrorCode.UNAVAILABLE
                    || e.code() == ErrorCode.TENANT_QUOTA) {
                response.setHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            }
            if (e.code() == ErrorCode.UNAUTHORIZED) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"" + Authenticator.REALM + "\", Bearer");
            }
            error(response, e.code().httpStatus(), e.code(), e.getMessage());
        } catch (IOException e) {
            // The client went away or the body could not be read: nothing to answer to.
            LOG.log(Level.FINE, "I/O failure on " + request.getRequestURI(), e);
            if (!response.isCommitted()) {
                error(response, 400, ErrorCode.INVALID_REQUEST, "the request could not be read");
            }
        } catch (Exception e) {
            metrics.failed("internal");
            LOG.log(Level.SEVERE, "Unexpected failure on " + request.getMethod() + " " + request.getRequestURI(), e);
            if (!response.isCommitted()) {
                response.resetBuffer();
                response.setStatus(500);
                response.setContentType("application/json");
                json.writeValue(
                        response.getOutputStream(),
                        Map.of("error", "INTERNAL", "message", "an unexpected failure; it is in the server log"));
            }
        }
    }

    private void handle(HttpServletRequest request, HttpServletResponse response) throws Exception {
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        String method = request.getMethod();
        crossSite.check(
                method,
                request.getHeader("Origin"),
                request.getHeader("Sec-Fetch-Site"),
                request.getScheme(),
                request.getServerName(),
                request.getServerPort());
        Serving now = serving;
        ApiRoutes current = now.api();
        Route found = null;
        Map<String, String> parameters = null;
        TreeSet<String> allowed = new TreeSet<>();
        for (Route route : now.routes()) {
            Map<String, String> matched = route.match(path);
            if (matched == null) {
                continue;
            }
            if (!route.method().equals(method)) {
                allowed.add(route.method());
                continue;
            }
            found = route;
            parameters = matched;
            request.setAttribute(ROUTE, route.template());
            break;
        }
        Caller caller = authenticate(request.getHeader("Authorization"), current);
        if (found != null) {
            authorize(found, caller);
            Exchange exchange = new Exchange(request, response, caller, parameters, json);
            found.checkQuery(exchange.queryNames());
            found.checkBody(
                    request.getContentType(),
                    request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null);
            found.handler().handle(exchange);
            return;
        }
        if (!allowed.isEmpty()) {
            response.setHeader("Allow", String.join(", ", allowed));
            error(
                    response,
                    405,
                    ErrorCode.INVALID_REQUEST,
                    method + " is not allowed on " + path + " (allowed: " + String.join(", ", allowed) + ")");
            return;
        }
        if (current == null) {
            throw new HwpException(
                    ErrorCode.UNAVAILABLE,
                    "this node cannot serve yet: it is starting or cannot reach its database (GET " + BASE
                            + "/health as an administrator says why)");
        }
        throw new HwpException(ErrorCode.NOT_FOUND, "no resource at " + BASE + printable(path));
    }

    private Caller authenticate(String authorization, ApiRoutes current) {
        if (authorization == null) {
            return Caller.ANONYMOUS;
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            if (current == null) {
                throw new HwpException(
                        ErrorCode.UNAVAILABLE, "VM tokens cannot be checked: this node cannot reach its database yet");
            }
            return current.management()
                    .authenticate(authorization.substring(7).trim())
                    .map(Caller::vm)
                    .orElseThrow(() -> unauthorized("the bearer token is not valid (unknown or revoked)"));
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            Subject subject = authenticator
                    .login(authorization)
                    .orElseThrow(() -> unauthorized("the user name or password is wrong"));
            String name = subject.getPrincipals(UserPrincipal.class).stream()
                    .map(UserPrincipal::getName)
                    .findFirst()
                    .orElse("unknown");
            return Caller.user(name, Authenticator.isAdmin(subject), Authenticator.readsMetrics(subject));
        }
        throw unauthorized("the Authorization header must be Basic or Bearer");
    }

    private static void authorize(Route route, Caller caller) {
        switch (route.access()) {
            case ANYONE -> {}
            case ADMIN -> {
                if (!caller.authenticated()) {
                    throw unauthorized("administrator credentials (HTTP Basic) are required");
                }
                if (!caller.admin()) {
                    throw Exchange.forbidden("the admin role is required");
                }
            }
            case METRICS -> {
                if (!caller.authenticated()) {
                    throw unauthorized("administrator credentials, or those of a user with the role '"
                            + Authenticator.METRICS_ROLE + "' (HTTP Basic), are required");
                }
                if (!caller.admin() && !caller.metrics()) {
                    throw Exchange.forbidden("the admin or the " + Authenticator.METRICS_ROLE + " role is required");
                }
            }
            case ADMIN_OR_VM -> {
                if (!caller.authenticated()) {
                    throw unauthorized("a VM token (Bearer) or administrator credentials (Basic) are required");
                }
                if (caller.vm().isEmpty() && !caller.admin()) {
                    throw Exchange.forbidden("the admin role or a VM token is required");
                }
            }
        }
    }

    private static HwpException unauthorized(String message) {
        return new HwpException(ErrorCode.UNAUTHORIZED, message);
    }

    private void error(HttpServletResponse response, int status, ErrorCode code, String message) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), Map.of("error", code.name(), "message", message));
    }

    /** A path for a message: at most 200 characters, control characters replaced. */
    private static String printable(String path) {
        String cut = path.length() > 200 ? path.substring(0, 200) + "…" : path;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    static ValidationException required(String field) {
        return new ValidationException(field, "is required");
    }

    static <T> T present(Optional<T> value, String what, String id) {
        return value.orElseThrow(() -> HwpException.notFound(what, id));
    }
}
