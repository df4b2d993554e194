package net.lorawanns.js.transfer;

import static net.lorawanns.core.api.ApiJson.body;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import net.lorawanns.core.api.ApiException;
import net.lorawanns.core.api.ApiOperations;
import net.lorawanns.core.api.ApiRoutes;
import net.lorawanns.core.api.RestApi;
import net.lorawanns.core.redis.RedisFailure;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.NetId;
import net.lorawanns.js.NsId;
import net.lorawanns.js.audit.AuditAction;
import net.lorawanns.js.audit.AuditEntry;
import net.lorawanns.js.claim.Claim;
import net.lorawanns.js.claim.OwnerToken;
import net.lorawanns.js.claim.OwnerTokenAttemptsLimited;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API of root-key export and transfer, under {@code /api/v1/join-server}: the transfer key's public half,
 * export (with lock), unlock and import, behind the REST API's API keys and body limit. Root keys leave only as JWEs
 * to a key the owner names; no other answer holds a key. Owner tokens are checked by the claim model (rate limited
 * per DevEUI; a wrong token and an unknown DevEUI answer alike). An export is recorded in the audit log before its JWE
 * is given out (and not given out if it cannot be); unlock and import once done; refused export, unlock and import
 * attempts in the refused attempts' log (a refusal is answered even when its entry cannot be written). Export and
 * unlock act only if the device's claim is still the one the owner token was proven against (a transfer or unclaim
 * on another instance in between refuses them). An import never takes a device locked here: it only merges its nonce
 * state, and its owner unlocks it. Handlers run on the API server's event loop; the RSA decryptions of an import on a
 * worker thread.
 */
public final class TransferApi implements ApiRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(TransferApi.class);
    /** Devices per export or import request: a JWE is about 700 bytes, and the API's body limit is 64 KiB. */
    static final int MAX_DEVICES = 50;

    private final Vertx vertx;
    private final TransferServices services;
    private final OwnerCheck owners;
    private final TransferMetrics metrics;

    public TransferApi(Vertx vertx, TransferServices services) {
        this.vertx = vertx;
        this.services = services;
        this.owners = new OwnerCheck(services.claims());
        this.metrics = new TransferMetrics(services.registry());
    }

    @Override
    public void mount(ApiOperations operations) {
        operations.handle("getTransferKey", ctx -> RestApi.respond(ctx, 200, this::transferKey));
        operations.handle("exportRootKeys", ctx -> RestApi.respond(ctx, 200, () -> export(ctx)));
        operations.handle("unlockDevice", ctx -> RestApi.respond(ctx, 200, () -> unlock(ctx)));
        operations.handle("importRootKeys", ctx -> RestApi.respond(ctx, 200, () -> importDevices(ctx)));
    }

    private Future<JsonObject> transferKey() {
        return services.transferKeys().transferKey().map(TransferKey::publicJson);
    }

    /**
     * {@code {"owner_public_key": <PEM string or JWK>, "devices": [{"dev_eui", "owner_token"}, ...]}}: each device
     * whose owner token is right is exported and locked, in the order given; the answer names each one's JWE or why
     * it has none. An export that cannot be recorded in the audit log is taken back ({@code audit_unavailable}) and
     * the devices after it are not tried ({@code not_tried}); the JWEs of those before it are in the answer, as they
     * are locked and recorded.
     */
    private Future<JsonObject> export(RoutingContext ctx) {
        JsonObject body = body(ctx);
        OwnerPublicKey recipient;
        try {
            recipient = OwnerPublicKey.parse(body.getValue("owner_public_key"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "owner_public_key: " + e.getMessage());
        }
        List<Eui64> devEuis = new ArrayList<>();
        List<OwnerToken> tokens = new ArrayList<>();
        JsonArray devices = devices(body);
        for (int i = 0; i < devices.size(); i++) {
            JsonObject device = entry(devices, i);
            devEuis.add(devEui(device, "devices[" + i + "].dev_eui", devEuis));
            tokens.add(token(device, "devices[" + i + "].owner_token"));
        }
        String who = RestApi.caller(ctx);
        JsonArray results = new JsonArray();
        // Whether an export could not be recorded: the devices after it are not tried.
        Future<Boolean> chain = Future.succeededFuture(false);
        for (int i = 0; i < devEuis.size(); i++) {
            Eui64 devEui = devEuis.get(i);
            OwnerToken token = tokens.get(i);
            chain = chain.compose(stop -> {
                if (stop) {
                    results.add(failed(new JsonObject().put("dev_eui", devEui.toString()), "not_tried",
                            "not tried: an export before it in this request could not be recorded in the audit log; "
                            + "try again"));
                    return Future.succeededFuture(true);
                }
                return exportOne(devEui, token, recipient, who).transform(done -> {
                    if (done.failed()) {
                        metrics.count("export", "audit_unavailable");
                        results.add(failed(new JsonObject().put("dev_eui", devEui.toString()), "audit_unavailable",
                                "the export of DevEUI " + devEui + " could not be recorded in the audit log ("
                                + done.cause().getMessage() + "), so it was not exported and is not locked; the "
                                + "devices after it were not tried; try again"));
                        return Future.succeededFuture(true);
                    }
                    metrics.count("export", done.result().getString("reason", "exported"));
                    results.add(done.result());
                    return Future.succeededFuture(false);
                });
            });
        }
        return chain.map(v -> new JsonObject().put("devices", results));
    }

    /**
     * Exports one device. The export is recorded in the audit log before its JWE is made: if the entry cannot be
     * written, the lock the export took is taken back and the future fails (no JWE leaves unrecorded). Any other
     * failure is this device's answer ({@code error}).
     */
    private Future<JsonObject> exportOne(Eui64 devEui, OwnerToken token, OwnerPublicKey recipient, String who) {
        JsonObject result = new JsonObject().put("dev_eui", devEui.toString());
        return owners.verify(devEui, token).compose(verified -> {
            if (verified.verdict() == OwnerCheck.Verdict.WRONG_TOKEN) {
                return refusedAttempt(AuditAction.EXPORT_REFUSED, devEui, who, "wrong_token")
                        .map(failed(result, "wrong_token", wrongToken(devEui)));
            }
            if (verified.verdict() == OwnerCheck.Verdict.NOT_CLAIMED) {
                return refusedAttempt(AuditAction.EXPORT_REFUSED, devEui, who, "not_claimed")
                        .map(failed(result, "not_claimed", notClaimed(devEui)));
            }
            return services.locks().exportAndLock(devEui, verified.claimRecord(), who).compose(outcome -> {
                if (outcome instanceof ExportLock.Outcome.Exported exported) {
                    return recorded(devEui, exported, recipient, who).map(v -> result.put("jwe",
                            RootKeyJwe.encrypt(exported.keys(), recipient.key(), recipient.keyId())));
                }
                if (outcome instanceof ExportLock.Outcome.Locked) {
                    return Future.succeededFuture(failed(result, "locked", "DevEUI " + devEui + " is locked after "
                            + "an earlier export; unlock it to export it again"));
                }
                if (outcome instanceof ExportLock.Outcome.Changed) {
                    return Future.succeededFuture(failed(result, "changed", "the root keys or the claim of DevEUI "
                            + devEui + " changed during the export (another request, e.g. a transfer); try again"));
                }
                return Future.succeededFuture(failed(result, "unknown", "no root keys for DevEUI " + devEui));
            });
        }).recover(failure -> {
            if (failure instanceof OwnerTokenAttemptsLimited limited) {
                return refusedAttempt(AuditAction.EXPORT_REFUSED, devEui, who, "rate_limited")
                        .map(failed(result, "rate_limited", limited.getMessage())
                                .put("retry_after", limited.retryAfterSeconds()));
            }
            return Future.failedFuture(failure);
        }).recover(failure -> {
            if (failure instanceof UnrecordedExportEntry) {
                return Future.failedFuture(failure.getCause());
            }
            // One device's failure (Redis, most likely) leaves the others' answers, JWEs included, in the reply.
            LOG.warn("Exporting DevEUI {} failed: {}", devEui, failure.toString());
            return Future.succeededFuture(failed(result, "error", "exporting DevEUI " + devEui + " failed ("
                    + (failure instanceof RedisFailure redisFailure ? redisFailure.getMessage() : "internal error")
                    + "); try again, after unlocking it with its owner token if it is locked"));
        });
    }

    /**
     * Writes the export's audit entry; if it cannot be written, takes the export's lock back and fails with
     * {@link UnrecordedExportEntry}.
     */
    private Future<Void> recorded(Eui64 devEui, ExportLock.Outcome.Exported exported, OwnerPublicKey recipient,
                                  String who) {
        return services.audit().record(AuditEntry.of(AuditAction.EXPORT, devEui, who, "to RSA key "
                + recipient.thumbprint())).recover(unrecorded -> {
                    LOG.warn("The export of DevEUI {} could not be recorded in the audit log, so it is not given "
                            + "out: {}", devEui, unrecorded.toString());
                    return services.locks().release(devEui, exported.lock()).transform(released -> {
                        if (released.failed()) {
                            LOG.warn("DevEUI {} stays locked after its unrecorded export (its owner can unlock it): {}",
                                    devEui, released.cause().toString());
                        }
                        return Future.failedFuture(new UnrecordedExportEntry(unrecorded));
                    });
                });
    }

    /** Marks, between {@link #recorded} and {@link #export}, the failure to write an export's audit entry. */
    private static final class UnrecordedExportEntry extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnrecordedExportEntry(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /**
     * Records a refused attempt in the refused attempts' log. It completes even if the entry cannot be written (logged
     * and counted): the refusal is answered whatever the log's state.
     */
    private Future<Void> refusedAttempt(AuditAction action, Eui64 devEui, String who, String reason) {
        return refusedAttempt(AuditEntry.of(action, devEui, who, reason));
    }

    private Future<Void> refusedAttempt(AuditEntry entry) {
        return services.audit().record(entry).recover(unrecorded -> {
            LOG.warn("A refused {} could not be recorded in the audit log: {}", entry.action().wireName(),
                    unrecorded.toString());
            metrics.count(entry.action().wireName(), "unrecorded");
            return Future.succeededFuture();
        });
    }

    /** {@code {"owner_token"}}: lifts the lock of an exported device, whose joins are then answered here again. */
    private Future<JsonObject> unlock(RoutingContext ctx) {
        Eui64 devEui = parseEui(ctx.pathParam("devEui"), "devEui");
        OwnerToken token = token(body(ctx), "owner_token");
        String who = RestApi.caller(ctx);
        return owners.verify(devEui, token).compose(verified -> {
            if (verified.verdict() == OwnerCheck.Verdict.WRONG_TOKEN) {
                return refusedAttempt(AuditAction.UNLOCK_REFUSED, devEui, who, "wrong_token")
                        .compose(v -> Future.<ExportLock.Unlocked>failedFuture(new ApiException(403,
                                wrongToken(devEui))));
            }
            if (verified.verdict() == OwnerCheck.Verdict.NOT_CLAIMED) {
                return refusedAttempt(AuditAction.UNLOCK_REFUSED, devEui, who, "not_claimed")
                        .compose(v -> Future.<ExportLock.Unlocked>failedFuture(new ApiException(409,
                                notClaimed(devEui))));
            }
            return services.locks().unlock(devEui, verified.claimRecord());
        }).recover(failure -> {
            if (failure instanceof OwnerTokenAttemptsLimited limited) {
                metrics.count("unlock", "rate_limited");
                ctx.response().putHeader("Retry-After", String.valueOf(limited.retryAfterSeconds()));
                return refusedAttempt(AuditAction.UNLOCK_REFUSED, devEui, who, "rate_limited")
                        .compose(v -> Future.failedFuture(new ApiException(429, limited.getMessage())));
            }
            if (failure instanceof ApiException refused) {
                metrics.count("unlock", refused.status() == 403 ? "wrong_token" : "not_claimed");
            }
            return Future.failedFuture(failure);
        }).compose(unlocked -> {
            if (unlocked == ExportLock.Unlocked.CHANGED) {
                metrics.count("unlock", "changed");
                return Future.failedFuture(new ApiException(409, "the claim of DevEUI " + devEui + " changed during "
                        + "the unlock (another request, e.g. a transfer or unclaim); nothing was unlocked"));
            }
            boolean wasLocked = unlocked == ExportLock.Unlocked.UNLOCKED;
            metrics.count("unlock", wasLocked ? "unlocked" : "not_locked");
            JsonObject answer = new JsonObject().put("dev_eui", devEui.toString()).put("locked", false)
                    .put("was_locked", wasLocked);
            return wasLocked ? services.audit().record(AuditEntry.of(AuditAction.UNLOCK, devEui, who, ""))
                    .map(answer) : Future.succeededFuture(answer);
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
        Optional<String> homeNsId = optionalText(body, "home_ns_id").map(id -> parse(() -> NsId.check(id), "home_ns_id"));
        Optional<String> asId = optionalText(body, "as_id").map(id -> parse(() -> NsId.check(id), "as_id"));
        String asKekLabel = optionalText(body, "as_kek_label").orElse("");
        if (!asKekLabel.isEmpty() && !services.kekLabels().contains(asKekLabel)) {
            throw new ApiException(400, "as_kek_label: no [[internal_js.kek]] entry has label '" + asKekLabel + "'");
        }
        JsonArray devices = devices(body);
        List<String> jwes = new ArrayList<>();
        List<OwnerToken> tokens = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            JsonObject device = entry(devices, i);
            jwes.add(text(device, "devices[" + i + "].jwe", "jwe"));
            tokens.add(token(device, "devices[" + i + "].owner_token"));
        }
        String who = RestApi.caller(ctx);
        return services.transferKeys().transferKey()
                .compose(key -> vertx.executeBlocking(() -> decryptAll(jwes, key), false))
                .recover(failure -> {
                    if (!(failure instanceof ApiException refused)) {
                        return Future.failedFuture(failure);
                    }
                    metrics.count("import", "refused_jwe");
                    return refusedAttempt(AuditEntry.ofRequest(AuditAction.IMPORT_REFUSED, who, "refused_jwe: "
                            + refused.getMessage())).compose(v -> Future.failedFuture(failure));
                })
                .compose(decrypted -> {
                    JsonArray results = new JsonArray();
                    Future<Void> chain = Future.succeededFuture();
                    for (int i = 0; i < decrypted.size(); i++) {
                        ExportedRootKeys device = decrypted.get(i);
                        RootKeys home = new RootKeys(device.joinEui(), device.macVersion(), device.appKey(),
                                device.nwkKey(), homeNetId, homeNsId, asId);
                        JsonObject claim = services.claims().seal(device.devEui(), Claim.claimed(homeNetId, homeNsId,
                                asKekLabel, Instant.now()), tokens.get(i));
                        chain = chain.compose(v -> importOne(device, home, claim, who).map(result -> {
                            metrics.count("import", result.getString("reason",
                                    result.getBoolean("returned", false) ? "returned" : "imported"));
                            return results.add(result);
                        }).mapEmpty());
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
                throw new ApiException(400, "devices[" + i + "].jwe: " + e.getMessage() + "; nothing was imported");
            }
            if (!seen.add(device.devEui())) {
                throw new ApiException(400, "devices[" + i + "].jwe: DevEUI " + device.devEui()
                        + " is in the request twice; nothing was imported");
            }
            decrypted.add(device);
        }
        return decrypted;
    }

    private Future<JsonObject> importOne(ExportedRootKeys device, RootKeys home, JsonObject claim, String who) {
        Eui64 devEui = device.devEui();
        JsonObject result = new JsonObject().put("dev_eui", devEui.toString());
        return services.imports().store(device, home, claim).compose(outcome -> switch (outcome) {
            case EXISTS -> refusedImport(devEui, result, "exists", "DevEUI " + devEui + " already has root keys "
                    + "here and is not locked after an export from here", who);
            case OTHER_KEYS -> refusedImport(devEui, result, "other_keys", "DevEUI " + devEui + " is locked here "
                    + "after an export, with other root keys or another JoinEUI than the JWE's", who);
            case CHANGED -> refusedImport(devEui, result, "changed", "the root keys or the lock of DevEUI " + devEui
                    + " here changed during the import; try again", who);
            case IMPORTED -> services.audit().record(AuditEntry.of(AuditAction.IMPORT, devEui, who, "home NetID "
                    + home.homeNetId())).map(v -> result.put("imported", true)
                    .put("join_eui", device.joinEui().toString()).put("mac_version", device.macVersion().toString()));
            case RETURNED -> services.audit().record(AuditEntry.of(AuditAction.IMPORT, devEui, who, "back after an "
                    + "export from here: nonce state merged, claim and lock kept")).map(v -> result
                    .put("imported", false).put("returned", true).put("locked", true)
                    .put("detail", "merged; locked until its owner unlocks it")
                    .put("join_eui", device.joinEui().toString()).put("mac_version", device.macVersion().toString()));
        });
    }

    /** A device's import refused: answered, counted by the caller, and recorded in the refused attempts' log. */
    private Future<JsonObject> refusedImport(Eui64 devEui, JsonObject result, String reason, String message,
                                             String who) {
        return refusedAttempt(AuditAction.IMPORT_REFUSED, devEui, who, reason)
                .map(v -> failed(result, reason, message));
    }

    private static String wrongToken(Eui64 devEui) {
        return "the owner token of DevEUI " + devEui + " is wrong, or there is no such device here";
    }

    private static String notClaimed(Eui64 devEui) {
        return "DevEUI " + devEui + " is not claimed by an owner; claim it first";
    }

    private static OwnerToken token(JsonObject json, String name) {
        Object value = json.getValue("owner_token");
        if (!(value instanceof String text)) {
            throw new ApiException(400, name + " is required (a string)");
        }
        try {
            return OwnerToken.of(text);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, name + ": " + e.getMessage());
        }
    }

    private static JsonObject failed(JsonObject result, String reason, String message) {
        return result.put("reason", reason).put("error", message);
    }

    private static JsonArray devices(JsonObject body) {
        if (!(body.getValue("devices") instanceof JsonArray devices) || devices.isEmpty()) {
            throw new ApiException(400, "devices: a non-empty array is required");
        }
        if (devices.size() > MAX_DEVICES) {
            throw new ApiException(400, "devices: at most " + MAX_DEVICES + " per request, got " + devices.size());
        }
        return devices;
    }

    private static JsonObject entry(JsonArray devices, int index) {
        if (!(devices.getValue(index) instanceof JsonObject device)) {
            throw new ApiException(400, "devices[" + index + "]: must be a JSON object");
        }
        return device;
    }

    private static Eui64 devEui(JsonObject device, String name, List<Eui64> earlier) {
        Eui64 devEui = parseEui(text(device, name, "dev_eui"), name);
        if (earlier.contains(devEui)) {
            throw new ApiException(400, name + ": DevEUI " + devEui + " is in the request twice");
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
            throw new ApiException(400, name + ": " + e.getMessage());
        }
    }

    private static String text(JsonObject json, String name, String field) {
        if (!(json.getValue(field) instanceof String text) || text.isEmpty()) {
            throw new ApiException(400, name + " is required (a string)");
        }
        return text;
    }

    private static Optional<String> optionalText(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            throw new ApiException(400, field + ": must be a string");
        }
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }
}
