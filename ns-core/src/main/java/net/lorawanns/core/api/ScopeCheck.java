package net.lorawanns.core.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.types.Eui64;

/**
 * Lets a request through when the caller's scope allows it, else answers 403 naming the scope, and counts it. Key
 * management ({@code /api/v1/api-keys}) and the join server's routes ({@code /api/v1/join-server/...}: claims, owner
 * tokens, root-key exports of devices of every application) need the admin scope, even to read. {@code read-only}
 * allows every other GET. {@code application:ID} allows its application, the event stream filtered to it, reading the
 * gateways and device profiles, the list of applications (its own only, {@link ApplicationListResource}) and of
 * ID's devices, and the routes of a device whose {@code application_id} is ID: the device is read
 * from Redis before the route runs, so an administrator moving it to another application at that very moment may
 * let one request of the old application through. Runs on the API server's event loop, after the body is read.
 */
final class ScopeCheck {
    private static final String BASE = "/api/v1/";
    private static final Set<String> ADMIN_ONLY = Set.of("api-keys", "join-server");

    private final DeviceStore devices;
    private final ApiRefusals refusals;

    ScopeCheck(DeviceStore devices, ApiRefusals refusals) {
        this.devices = devices;
        this.refusals = refusals;
    }

    void handle(RoutingContext ctx) {
        ApiScope scope = ApiCaller.of(ctx).scope();
        if (scope instanceof ApiScope.Admin) {
            ctx.next();
            return;
        }
        List<String> segments = segments(ctx.normalizedPath());
        HttpMethod method = ctx.request().method();
        if (!segments.isEmpty() && ADMIN_ONLY.contains(segments.get(0))) {
            refuse(ctx, scope, "API keys and the join server's routes need the admin scope");
        } else if (scope instanceof ApiScope.Application application) {
            checkApplication(ctx, application.id(), segments, method);
        } else if (method == HttpMethod.GET) {
            ctx.next();
        } else {
            refuse(ctx, scope, "it allows GET requests only");
        }
    }

    /**
     * The path's segments after {@code /api/v1/}, without the empty ones trailing slashes leave: the router serves
     * {@code /api/v1/devices/} as {@code /api/v1/devices}, so the scope must judge them alike.
     */
    private static List<String> segments(String path) {
        if (!path.startsWith(BASE)) {
            return List.of();
        }
        String rest = path.substring(BASE.length());
        int end = rest.length();
        while (end > 0 && rest.charAt(end - 1) == '/') {
            end--;
        }
        return List.of(rest.substring(0, end).split("/", -1));
    }

    private void checkApplication(RoutingContext ctx, String id, List<String> segments, HttpMethod method) {
        String resource = segments.isEmpty() ? "" : segments.get(0);
        int depth = segments.size();
        boolean get = method == HttpMethod.GET;
        switch (resource) {
            case "gateways" -> allowIf(ctx, id, get && depth == 1, false);
            case "events" -> allowIf(ctx, id, get && depth == 1, eventsOfOthers(ctx, id));
            case "device-profiles" -> allowIf(ctx, id, get && depth <= 2, false);
            case "applications" -> allowIf(ctx, id, depth == 1 && get || depth == 2 && segments.get(1).equals(id)
                    && (get || method == HttpMethod.PUT), false);
            case "devices" -> checkDevice(ctx, id, segments, method);
            default -> allowIf(ctx, id, false, false);
        }
    }

    /** Whether an event-stream request asks for another application's events. */
    private static boolean eventsOfOthers(RoutingContext ctx, String id) {
        String asked = ctx.queryParams().get("application_id");
        return asked != null && !asked.isEmpty() && !asked.equals(id);
    }

    private void allowIf(RoutingContext ctx, String id, boolean allowed, boolean otherApplication) {
        if (allowed && !otherApplication) {
            ctx.next();
        } else {
            refuse(ctx, new ApiScope.Application(id), otherApplication ? "it reads application " + id
                    + "'s events and devices only" : "it allows application " + id + ", its devices, and reading "
                    + "gateways and device profiles");
        }
    }

    /** A device route: one the scope allows, of a device of the application (or, for PUT, a new one put there). */
    private void checkDevice(RoutingContext ctx, String id, List<String> segments, HttpMethod method) {
        if (segments.size() == 1) {
            // The list of one application's devices.
            allowIf(ctx, id, method == HttpMethod.GET, !id.equals(ctx.queryParams().get("application_id")));
            return;
        }
        String part = segments.size() == 3 ? segments.get(2) : "";
        boolean route = segments.size() == 2 && Set.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE).contains(method)
                || part.equals("queue") && Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE).contains(method)
                || part.equals("dev-nonces") && method == HttpMethod.DELETE
                || part.equals("force-rejoin") && method == HttpMethod.POST
                || part.equals("state") && method == HttpMethod.GET;
        ApiScope scope = new ApiScope.Application(id);
        if (!route || segments.get(1).isEmpty()) {
            allowIf(ctx, id, false, false);
            return;
        }
        Eui64 devEui;
        try {
            devEui = Eui64.parse(segments.get(1));
        } catch (IllegalArgumentException e) {
            ctx.next(); // the route answers 400 for the malformed DevEUI
            return;
        }
        if (method == HttpMethod.PUT && segments.size() == 2 && !putsInto(ctx, id)) {
            refuse(ctx, scope, "a device it puts must have application_id '" + id + "'");
            return;
        }
        devices.get(devEui).onComplete(found -> {
            if (found.failed()) {
                RestApi.failed(ctx, found.cause());
            } else if (found.result().isPresent() && !found.result().get().applicationId().equals(id)) {
                refuse(ctx, scope, "device " + devEui + " is not in application " + id);
            } else {
                ctx.next();
            }
        });
    }

    /** Whether a device's body names the application, or is malformed (its route answers 400 for that). */
    private static boolean putsInto(RoutingContext ctx, String id) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            return true;
        }
        return body == null || !(body.getValue("application_id") instanceof String named) || named.equals(id);
    }

    private void refuse(RoutingContext ctx, ApiScope scope, String why) {
        refusals.scope();
        RestApi.error(ctx, 403, "the API key's scope " + scope.text() + " does not allow " + ctx.request().method()
                + " " + ctx.normalizedPath() + ": " + why);
    }
}
