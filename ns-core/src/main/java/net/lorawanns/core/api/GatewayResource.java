package net.lorawanns.core.api;

import static net.lorawanns.core.api.ApiJson.body;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import net.lorawanns.core.device.GatewayStore;
import net.lorawanns.core.device.Page;
import net.lorawanns.core.device.RegisteredGateway;
import net.lorawanns.core.gateway.GatewayLocation;
import net.lorawanns.core.gateway.GatewayStatus;
import net.lorawanns.core.types.Eui64;

/**
 * {@code GET /api/v1/gateways} (paginated, {@link PageQuery}) and {@code PUT /api/v1/gateways/:eui}: the registered
 * gateways with their region and location, and what they last showed any instance: {@code online} (a PULL_DATA
 * within the offline timeout), {@code last_seen} and {@code last_stats} (their last status report). Runs on the API
 * server's event loop.
 */
final class GatewayResource {
    private final GatewayStore gateways;
    private final List<String> regions;

    /** @param regions the ids of {@code network.enabled_regions}, which a gateway's region must be one of */
    GatewayResource(GatewayStore gateways, Collection<String> regions) {
        this.gateways = gateways;
        this.regions = List.copyOf(regions);
    }

    Future<JsonObject> list(RoutingContext ctx) {
        PageQuery<Eui64> query = PageQuery.of(ctx, Eui64::parse);
        return gateways.registered().compose(all -> {
            Page<RegisteredGateway, Eui64> page = Page.of(all, RegisteredGateway::eui, query.after(), query.limit());
            return gateways.statuses(page.items().stream().map(RegisteredGateway::eui).toList()).map(statuses -> {
                Instant now = Instant.now();
                return PageQuery.answer("gateways", page, gateway -> describe(gateway,
                        statuses.getOrDefault(gateway.eui(), GatewayStatus.UNKNOWN), now));
            });
        });
    }

    /**
     * Registers a gateway, or replaces its settings; an optional body {@code {"region": "us915", "location":
     * {"latitude", "longitude", "altitude"?}}}.
     */
    Future<JsonObject> put(RoutingContext ctx) {
        Eui64 eui = valid(() -> Eui64.parse(ctx.pathParam("eui")));
        Optional<String> region = Optional.empty();
        Optional<GatewayLocation> location = Optional.empty();
        if (ctx.body().length() > 0) {
            JsonObject body = body(ctx);
            for (String field : body.fieldNames()) {
                if (!field.equals("region") && !field.equals("location")) {
                    throw new ApiException(400, "unknown field '" + field
                            + "' (a gateway has 'region' and 'location')");
                }
            }
            Object value = body.getValue("region");
            if (value != null) {
                if (!(value instanceof String id) || !regions.contains(id)) {
                    throw new ApiException(400, "region: must be one of network.enabled_regions " + regions
                            + ", got " + value);
                }
                region = Optional.of(id);
            }
            Object given = body.getValue("location");
            if (given != null) {
                if (!(given instanceof JsonObject json)) {
                    throw new ApiException(400, "location: must be a JSON object with latitude, longitude and "
                            + "altitude");
                }
                location = Optional.of(valid(() -> GatewayLocation.fromJson(json)));
            }
        }
        RegisteredGateway gateway = new RegisteredGateway(eui, region, location);
        return gateways.add(gateway).map(v -> settings(gateway));
    }

    private static JsonObject settings(RegisteredGateway gateway) {
        JsonObject json = new JsonObject().put("gateway_id", gateway.eui().toString());
        gateway.region().ifPresent(id -> json.put("region", id));
        gateway.location().ifPresent(location -> json.put("location", location.toJson()));
        return json;
    }

    private static JsonObject describe(RegisteredGateway gateway, GatewayStatus status, Instant now) {
        return settings(gateway).put("online", status.online(now))
                .put("last_seen", status.lastSeen().map(Instant::toString).orElse(null))
                .put("last_stats", status.lastStats().orElse(null));
    }

    private static <T> T valid(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }
}
