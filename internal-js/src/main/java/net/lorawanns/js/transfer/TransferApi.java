package net.lorawanns.js.transfer;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.redis.RedisFailure;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.NetId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API of root-key export and transfer, under {@code /api/v1/join-server}: the transfer key's public half,
 * export (with lock), unlock and import. Mounted on the REST API's router, behind its API-key check and body limit.
 * Root keys leave only as JWEs to a key the owner names; no other answer holds a key. Handlers run on the API's
 * event loop; the RSA decryptions of an import run on a worker thread.
 */
public final class TransferApi {
    private static final Logger LOG = LoggerFactory.getLogger(TransferApi.class);
    /** Devices per export or import request: a JWE is about 700 bytes, and the API's body limit is 64 KiB. */
    static final int MAX_DEVICES = 50;

    /** A request refused with a status and a message for the caller. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private final Vertx vertx;
    private final TransferServices services;

    private TransferApi(Vertx vertx, TransferServices services) {
        this.vertx = vertx;
        this.services = services;
    }

    /** Adds the routes to the REST API's router. */
    public static void mount(Vertx vertx, Router router, TransferServices services) {
        TransferApi api = new TransferApi(vertx, services);
        router.get("/api/v1/join-server/transfer-key").handler(ctx -> api.respond(ctx, c -> api.transferKey()));
        router.post("/api/v1/join-server/exports").handler(ctx -> api.respond(ctx, api::export));
        router.post("/api/v1/join-server/devices/:devEui/unlock").handler(ctx -> api.respond(ctx, api::unlock));
        router.post("/api/v1/join-server/imports").handler(ctx -> api.respond(ctx, api::importDevices));
    }

    private Future<JsonObject> transferKey() {
        return services.transferKeys().transferKey().map(TransferKey::publicJson);
    }

    /**
     * {@code {"owner_public_key": <PEM string or JWK>, "devices": [{"dev_eui", "owner_token"}, ...]}}: each device
     * whose owner token is right is exported and locked, in the order given; the answer names each one's JWE or why
     * it has none.
     */
    private Future<JsonObject> export(RoutingContext ctx) {
        JsonObject body = body(ctx);
        OwnerPublicKey recipient;
        try {
            recipient = OwnerPublicKey.parse(body.getValue("owner_public_key"));
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "owner_public_key: " + e.getMessage());
        }
        List<Eui64> devEuis = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        JsonArray devices = devices(body);
        for (int i = 0; i < devices.size(); i++) {
            JsonObject device = entry(devices, i);
            devEuis.add(devEui(device, "devices[" + i + "].dev_eui", devEuis));
            tokens.add(text(device, "devices[" + i + "].owner_token", "owner_token"));
        }
        String who = services.caller().apply(ctx);
        JsonArray results = new JsonArray();
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < devEuis.size(); i++) {
            Eui64 devEui = devEuis.get(i);
            String token = tokens.get(i);
            chain = chain.compose(v -> exportOne(devEui, token, recipient, who).map(results::add).mapEmpty());
        }
        return chain.map(v -> new JsonObject().put("devices", results));
    }

    private Future<JsonObject> exportOne(Eui64 devEui, String token, OwnerPublicKey recipient, String who) {
        JsonObject result = new JsonObject().put("dev_eui", devEui.toString());
        return services.owners().verify(devEui, token).compose(verdict -> {
            if (verdict != OwnerVerdict.OWNER) {
                return Future.succeededFuture(failed(result, verdict.reason(), verdict.describe(devEui)));
            }
            return services.locks().exportAndLock(devEui, who).compose(outcome -> {
                if (outcome instanceof ExportLock.Outcome.Exported exported) {
                    String jwe = RootKeyJwe.encrypt(exported.keys(), recipient.key(), recipient.keyId());
                    return services.audit().record("export", devEui, who, "locked")
                            .map(v -> result.put("jwe", jwe));
                }
                if (outcome instanceof ExportLock.Outcome.Locked) {
                    return Future.succeededFuture(failed(result, "locked", "DevEUI " + devEui + " is locked after "
                            + "an earlier export; unlock it to export it again"));
                }
                if (outcome instanceof ExportLock.Outcome.Changed) {
                    return Future.succeededFuture(failed(result, "changed", "the root keys of DevEUI " + devEui
                            + " changed during the export; try again"));
                }
                return Future.succeededFuture(failed(result, "unknown", "no root keys for DevEUI " + devEui));
            });
        });
    }

    /** {@code {"owner_token"}}: lifts the lock of an exported device, whose joins are then answered here again. */
    private Future<JsonObject> unlock(RoutingContext ctx) {
        Eui64 devEui = parseEui(ctx.pathParam("devEui"), "devEui");
        String token = text(body(ctx), "owner_token", "owner_token");
        String who = services.caller().apply(ctx);
        return services.owners().verify(devEui, token).compose(verdict -> {
            if (verdict != OwnerVerdict.OWNER) {
                throw new Refused(verdict.status(), verdict.describe(devEui));
            }
            return services.locks().unlock(devEui);
        }).compose(wasLocked -> {
            JsonObject answer = new JsonObject().put("dev_eui", devEui.toString()).put("locked", false)
                    .put("was_locked", wasLocked);
            return wasLocked ? services.audit().record("unlock", devEui, who, "").map(answer)
                    : Future.succeededFuture(answer);
        });
    }

    /**
     * {@code {"home_net_id", "home_ns_id"?, "as_id"?, "as_kek_label"?, "devices": [{"jwe", "owner_token"}, ...]}}:
     * every JWE is decrypted and checked first, and one that fails refuses the whole request (400, nothing
     * imported); then each device is stored unless it has root keys here already.
     */
    private Future<JsonObject> importDevices(RoutingContext ctx) {
        JsonObject body = body(ctx);
        NetId homeNetId = parse(() -> NetId.parse(text(body, "home_net_id", "home_net_id")), "home_net_id");
        Optional<String> homeNsId = optionalText(body, "home_ns_id");
        Optional<String> asId = optionalText(body, "as_id");
        String asKekLabel = optionalText(body, "as_kek_label").orElse("");
        if (!asKekLabel.isEmpty() && !services.kekLabels().contains(asKekLabel)) {
            throw new Refused(400, "as_kek_label: no [[internal_js.kek]] entry has label '" + asKekLabel + "'");
        }
        JsonArray devices = devices(body);
        List<String> jwes = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            JsonObject device = entry(devices, i);
            jwes.add(text(device, "devices[" + i + "].jwe", "jwe"));
            tokens.add(text(device, "devices[" + i + "].owner_token", "owner_token"));
        }
        String who = services.caller().apply(ctx);
        return services.transferKeys().transferKey()
                .compose(key -> vertx.executeBlocking(() -> decryptAll(jwes, key), false))
                .compose(decrypted -> {
                    JsonArray results = new JsonArray();
                    Future<Void> chain = Future.succeededFuture();
                    for (int i = 0; i < decrypted.size(); i++) {
                        ExportedRootKeys device = decrypted.get(i);
                        String token = tokens.get(i);
                        RootKeys home = new RootKeys(device.joinEui(), device.macVersion(), device.appKey(),
                                device.nwkKey(), homeNetId, homeNsId, asId);
                        chain = chain.compose(v -> importOne(device, home, token, asKekLabel, who)
                                .map(results::add).mapEmpty());
                    }
                    return chain.map(v -> new JsonObject().put("devices", results));
                });
    }

    private static List<ExportedRootKeys> decryptAll(List<String> jwes, TransferKey key) {
        List<ExportedRootKeys> decrypted = new ArrayList<>();
        Set<Eui64> seen = new HashSet<>();
        for (int i = 0; i < jwes.size(); i++) {
            ExportedRootKeys device;
            try {
                device = RootKeyJwe.decrypt(jwes.get(i), key);
            } catch (RootKeyJwe.RefusedJweException e) {
                throw new Refused(400, "devices[" + i + "].jwe: " + e.getMessage() + "; nothing was imported");
            }
            if (!seen.add(device.devEui())) {
                throw new Refused(400, "devices[" + i + "].jwe: DevEUI " + device.devEui()
                        + " is in the request twice; nothing was imported");
            }
            decrypted.add(device);
        }
        return decrypted;
    }

    private Future<JsonObject> importOne(ExportedRootKeys device, RootKeys home, String token, String asKekLabel,
                                        String who) {
        JsonObject result = new JsonObject().put("dev_eui", device.devEui().toString());
        return services.imports().store(device, home).compose(stored -> {
            if (!stored) {
                return Future.succeededFuture(failed(result, "exists", "DevEUI " + device.devEui()
                        + " already has root keys here; delete the device first to import it"));
            }
            return services.owners().claimImported(device.devEui(), token, home, asKekLabel)
                    .compose(v -> services.audit().record("import", device.devEui(), who, "home NetID "
                            + home.homeNetId()))
                    .map(v -> result.put("imported", true).put("join_eui", device.joinEui().toString())
                            .put("mac_version", device.macVersion().toString()));
        });
    }

    private static JsonObject failed(JsonObject result, String reason, String message) {
        return result.put("reason", reason).put("error", message);
    }

    private static JsonArray devices(JsonObject body) {
        if (!(body.getValue("devices") instanceof JsonArray devices) || devices.isEmpty()) {
            throw new Refused(400, "devices: a non-empty array is required");
        }
        if (devices.size() > MAX_DEVICES) {
            throw new Refused(400, "devices: at most " + MAX_DEVICES + " per request, got " + devices.size());
        }
        return devices;
    }

    private static JsonObject entry(JsonArray devices, int index) {
        if (!(devices.getValue(index) instanceof JsonObject device)) {
            throw new Refused(400, "devices[" + index + "]: must be a JSON object");
        }
        return device;
    }

    private static Eui64 devEui(JsonObject device, String name, List<Eui64> earlier) {
        Eui64 devEui = parseEui(text(device, name, "dev_eui"), name);
        if (earlier.contains(devEui)) {
            throw new Refused(400, name + ": DevEUI " + devEui + " is in the request twice");
        }
        return devEui;
    }

    private static Eui64 parseEui(String text, String name) {
        return parse(() -> Eui64.parse(text), name);
    }

    private static <T> T parse(Supplier<T> parse, String name) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new Refused(400, name + ": " + e.getMessage());
        }
    }

    private static String text(JsonObject json, String name, String field) {
        if (!(json.getValue(field) instanceof String text) || text.isEmpty()) {
            throw new Refused(400, name + " is required (a string)");
        }
        return text;
    }

    private static Optional<String> optionalText(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw new Refused(400, field + ": must be a string");
        }
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    private static JsonObject body(RoutingContext ctx) {
        try {
            JsonObject body = ctx.body().asJsonObject();
            if (body == null) {
                throw new Refused(400, "a JSON object body is required");
            }
            return body;
        } catch (DecodeException | ClassCastException e) {
            throw new Refused(400, "the body is not a JSON object");
        }
    }

    private void respond(RoutingContext ctx, Function<RoutingContext, Future<JsonObject>> handler) {
        Future<JsonObject> result;
        try {
            result = handler.apply(ctx);
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        result.onComplete(done -> {
            if (done.succeeded()) {
                ctx.response().putHeader("Content-Type", "application/json").end(done.result().encode());
            } else if (done.cause() instanceof Refused refused) {
                if (refused.status == 429) {
                    ctx.response().putHeader("Retry-After", "60");
                }
                error(ctx, refused.status, refused.getMessage());
            } else if (done.cause() instanceof RedisFailure failure
                    && failure.kind() != RedisFailure.Kind.ERROR_REPLY) {
                ctx.response().putHeader("Retry-After", "1");
                error(ctx, 503, "the server's store (Redis) is unavailable: " + failure.getMessage());
            } else {
                LOG.warn("API {} {} failed: {}", ctx.request().method(), ctx.request().path(), done.cause().toString());
                error(ctx, 500, "internal error; see the server log");
            }
        });
    }

    private static void error(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", message).encode());
    }
}
