package net.lorawanns.js;

import static net.lorawanns.core.api.ApiJson.body;
import static net.lorawanns.core.api.ApiJson.optionalString;
import static net.lorawanns.core.api.ApiJson.requiredString;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;
import net.lorawanns.core.api.ApiException;
import net.lorawanns.core.api.ApiOperations;
import net.lorawanns.core.api.ApiRoutes;
import net.lorawanns.core.api.RestApi;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.NetId;
import net.lorawanns.js.audit.AuditLog;
import net.lorawanns.js.claim.Claim;
import net.lorawanns.js.claim.ClaimRefused;
import net.lorawanns.js.claim.ClaimStore;
import net.lorawanns.js.claim.DeviceClaiming;
import net.lorawanns.js.claim.DeviceProvisioning;
import net.lorawanns.js.claim.OwnerToken;
import net.lorawanns.js.claim.OwnerTokenAttemptsLimited;
import net.lorawanns.js.claim.ProvisioningManifest;
import net.lorawanns.js.claim.Tr005QrCode;

/**
 * The built-in join server's life-cycle routes under {@code /api/v1/join-server}, behind the REST API's API keys:
 * provisioning manifests, claims (by DevEUI and owner token, or by TR005 QR code), unclaim, transfer, and the audit
 * log. Statuses: 403 for a wrong owner token and for a DevEUI without one alike (so that a caller without the token
 * learns nothing of which devices exist), 429 with Retry-After while a DevEUI's attempts are limited, 409 for a step
 * the device's state does not allow (said only to a caller that presented the right token). Handlers run on the API
 * server's event loop.
 */
public final class JoinServerApi implements ApiRoutes {
    private static final int DEFAULT_AUDIT_LIMIT = 100;

    private final DeviceClaiming claiming;
    private final DeviceProvisioning provisioning;
    private final AuditLog audit;
    private final Map<String, AesKey> keks;

    /** @param keks the configured {@code [[internal_js.kek]]} entries by label, which unwrap manifests' root keys */
    public JoinServerApi(DeviceClaiming claiming, DeviceProvisioning provisioning, AuditLog audit,
                         Map<String, AesKey> keks) {
        this.claiming = claiming;
        this.provisioning = provisioning;
        this.audit = audit;
        this.keks = Map.copyOf(keks);
    }

    @Override
    public void mount(ApiOperations operations) {
        operations.handle("provisionDevices", this::provision);
        operations.handle("claimDevice", ctx -> RestApi.respond(ctx, 200, () -> claim(ctx)));
        operations.handle("unclaimDevice", ctx -> RestApi.respond(ctx, 200, () -> unclaim(ctx)));
        operations.handle("transferDevice", ctx -> RestApi.respond(ctx, 200, () -> transfer(ctx)));
        operations.handle("claimByQrCode", ctx -> RestApi.respond(ctx, 200, () -> claimByQrCode(ctx)));
        operations.handle("listAudit", ctx -> RestApi.respond(ctx, 200, () -> listAudit(ctx)));
    }

    private void provision(RoutingContext ctx) {
        String type = Optional.ofNullable(ctx.request().getHeader("Content-Type")).orElse("");
        String body = ctx.body().asString();
        if (body == null) {
            RestApi.error(ctx, 400, "a manifest is required: a JSON array of devices, or CSV (Content-Type text/csv)");
            return;
        }
        ProvisioningManifest manifest = type.startsWith("text/csv") ? ProvisioningManifest.csv(body, keks)
                : ProvisioningManifest.json(body, keks);
        if (!manifest.errors().isEmpty()) {
            JsonArray errors = new JsonArray();
            manifest.errors().forEach(error -> errors.add(error.toJson()));
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json").end(new JsonObject()
                    .put("error", "the manifest has " + manifest.errors().size() + " error(s); nothing was provisioned")
                    .put("errors", errors).encode());
            return;
        }
        String who = RestApi.caller(ctx);
        provisioning.provision(manifest.devices(), who).onComplete(done -> {
            if (done.failed()) {
                RestApi.respond(ctx, 200, () -> Future.failedFuture(done.cause()));
                return;
            }
            JsonArray devices = new JsonArray();
            long refused = done.result().stream().filter(result -> !result.stored()).count();
            done.result().forEach(result -> {
                JsonObject device = new JsonObject().put("row", result.row()).put("dev_eui", result.devEui().toString())
                        .put("result", result.outcome().wireName());
                refusal(result.outcome()).ifPresent(reason -> device.put("error", reason));
                devices.add(device);
            });
            JsonObject answer = new JsonObject().put("provisioned", done.result().size() - refused)
                    .put("refused", refused).put("devices", devices);
            if (refused > 0) {
                answer.put("error", refused + " device(s) refused: only a device that never had an owner is "
                        + "provisioned again; see each device's error (the other devices were provisioned)");
            }
            ctx.response().setStatusCode(refused > 0 ? 409 : 200).putHeader("Content-Type", "application/json")
                    .end(answer.encode());
        });
    }

    /** Why a manifest row was not stored; empty for one that was. */
    private static Optional<String> refusal(ClaimStore.ProvisionOutcome outcome) {
        return Optional.ofNullable(switch (outcome) {
            case PROVISIONED, REPROVISIONED -> null;
            case OWN_DEVICE -> "this network's own device (root keys put without an owner token): its keys are kept";
            case CLAIMED -> "claimed by an owner: its keys are kept";
            case WAS_CLAIMED -> "had an owner (unclaimed or handed on by a transfer since, or provisioned by an "
                    + "earlier version, which did not record it): only its owner token's holder may act on it; its "
                    + "keys are kept";
            case LOCKED -> "locked after a root-key export: its keys are kept until its owner unlocks it or it comes "
                    + "back by an import";
        });
    }

    private Future<JsonObject> claim(RoutingContext ctx) {
        Eui64 devEui = devEui(ctx);
        JsonObject body = body(ctx);
        OwnerToken token = token(body, "owner_token");
        DeviceClaiming.Claimant claimant = claimant(body);
        return answered(ctx, claiming.claim(devEui, Optional.empty(), token, claimant, RestApi.caller(ctx))
                .map(claim -> claimJson(devEui, claim)));
    }

    private Future<JsonObject> claimByQrCode(RoutingContext ctx) {
        JsonObject body = body(ctx);
        Tr005QrCode code = valid(() -> Tr005QrCode.parse(requiredString(body, "qr_code")), "qr_code");
        OwnerToken token = code.ownerToken().orElseThrow(() -> new ApiException(400,
                "qr_code: the QR code has no OwnerToken (O field); claim with dev_eui and owner_token instead"));
        DeviceClaiming.Claimant claimant = claimant(body);
        return answered(ctx, claiming.claim(code.devEui(), Optional.of(code.joinEui()), token, claimant,
                RestApi.caller(ctx)).map(claim -> claimJson(code.devEui(), claim)
                .put("join_eui", code.joinEui().toString())));
    }

    private Future<JsonObject> unclaim(RoutingContext ctx) {
        Eui64 devEui = devEui(ctx);
        OwnerToken token = token(body(ctx), "owner_token");
        return answered(ctx, claiming.unclaim(devEui, token, RestApi.caller(ctx)).map(claim -> claimJson(devEui,
                claim)));
    }

    private Future<JsonObject> transfer(RoutingContext ctx) {
        Eui64 devEui = devEui(ctx);
        JsonObject body = body(ctx);
        OwnerToken token = token(body, "owner_token");
        OwnerToken fresh = token(body, "new_owner_token");
        return answered(ctx, claiming.transfer(devEui, token, fresh, RestApi.caller(ctx)).map(claim ->
                claimJson(devEui, claim)));
    }

    private Future<JsonObject> listAudit(RoutingContext ctx) {
        Optional<Eui64> devEui = Optional.ofNullable(ctx.queryParams().get("dev_eui"))
                .map(text -> valid(() -> Eui64.parse(text), "dev_eui"));
        String limitText = ctx.queryParams().get("limit");
        int limit = limitText == null ? DEFAULT_AUDIT_LIMIT : valid(() -> Integer.parseInt(limitText), "limit");
        Optional<String> after = Optional.ofNullable(ctx.queryParams().get("after"));
        boolean refused = flag(ctx, "refused", "refused attempts");
        boolean provisioning = flag(ctx, "provisioning", "devices stored from provisioning manifests");
        if (refused && provisioning) {
            throw new ApiException(400, "refused and provisioning: choose one log");
        }
        AuditLog.Stream stream = refused ? AuditLog.Stream.REFUSED
                : provisioning ? AuditLog.Stream.PROVISIONING : AuditLog.Stream.LIFECYCLE;
        return valid(() -> audit.list(stream, devEui, limit, after), "query").map(page -> page.toJson());
    }

    /** A true/false query parameter choosing an audit stream, false when absent. */
    private static boolean flag(RoutingContext ctx, String name, String what) {
        String value = Optional.ofNullable(ctx.queryParams().get(name)).orElse("false");
        if (!value.equals("true") && !value.equals("false")) {
            throw new ApiException(400, name + ": must be true (" + what + ") or false (the life cycle's steps)");
        }
        return value.equals("true");
    }

    /** Maps the refusals of claiming to their statuses; 429 carries Retry-After. */
    private static Future<JsonObject> answered(RoutingContext ctx, Future<JsonObject> result) {
        return result.recover(failure -> {
            if (failure instanceof OwnerTokenAttemptsLimited limited) {
                ctx.response().putHeader("Retry-After", String.valueOf(limited.retryAfterSeconds()));
                return Future.failedFuture(new ApiException(429, limited.getMessage()));
            }
            if (failure instanceof ClaimRefused refused) {
                int status = refused.reason() == ClaimRefused.Reason.WRONG_TOKEN ? 403 : 409;
                return Future.failedFuture(new ApiException(status, refused.getMessage()));
            }
            if (failure instanceof IllegalArgumentException invalid) {
                return Future.failedFuture(new ApiException(400, invalid.getMessage()));
            }
            return Future.failedFuture(failure);
        });
    }

    private static JsonObject claimJson(Eui64 devEui, Claim claim) {
        JsonObject json = new JsonObject().put("dev_eui", devEui.toString()).put("state", claim.state().wireName());
        claim.homeNetId().ifPresent(netId -> json.put("home_net_id", netId.toString()));
        claim.homeNsId().ifPresent(nsId -> json.put("home_ns_id", nsId));
        if (!claim.asKekLabel().isEmpty()) {
            json.put("as_kek_label", claim.asKekLabel());
        }
        claim.claimedAt().ifPresent(at -> json.put("claimed_at", at.toString()));
        return json;
    }

    private static DeviceClaiming.Claimant claimant(JsonObject body) {
        NetId netId = valid(() -> NetId.parse(requiredString(body, "home_net_id")), "home_net_id");
        Optional<String> nsId = Optional.ofNullable(optionalString(body, "home_ns_id")).filter(id -> !id.isEmpty())
                .map(id -> valid(() -> NsId.check(id), "home_ns_id"));
        String kekLabel = optionalString(body, "as_kek_label");
        return new DeviceClaiming.Claimant(netId, nsId, kekLabel == null ? "" : kekLabel);
    }

    private static OwnerToken token(JsonObject body, String field) {
        return valid(() -> OwnerToken.of(requiredString(body, field)), field);
    }

    private static Eui64 devEui(RoutingContext ctx) {
        return valid(() -> Eui64.parse(ctx.pathParam("devEui")), "DevEUI");
    }

    private static <T> T valid(java.util.function.Supplier<T> parse, String field) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, field + ": " + e.getMessage());
        }
    }
}
