package net.lorawanns.core.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Finds who made a request from its {@code Authorization: Bearer <key>}: a configured admin key, compared in constant
 * time with each, or a key made through the API, read from Redis by its ID on every request (no cache: a revocation
 * holds on every instance from the next request on) and compared by its SHA-256 in constant time. Anything else is
 * refused with 401 and counted. Runs on the API server's event loop.
 */
final class ApiAuthentication {
    private final List<byte[]> adminKeys;
    /** The non-secret name of each admin key, in the order of {@link #adminKeys}. */
    private final List<String> adminCallers;
    private final Optional<ApiKeyStore> storedKeys;
    private final ApiRefusals refusals;

    ApiAuthentication(ApiAccess access, ApiRefusals refusals) {
        this.adminKeys = access.adminKeys().stream().map(key -> key.getBytes(StandardCharsets.UTF_8)).toList();
        this.adminCallers = this.adminKeys.stream().map(key -> "api-key:"
                + HexFormat.of().formatHex(ApiToken.digest(new String(key, StandardCharsets.UTF_8)), 0, 4)).toList();
        this.storedKeys = access.storedKeys();
        this.refusals = refusals;
    }

    void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            refusals.noKey();
            refuse(ctx, adminKeys.isEmpty() && storedKeys.isEmpty() ? "the API is off: no api.api_keys configured"
                    : "an API key is required: Authorization: Bearer <key>");
            return;
        }
        String presented = header.substring("Bearer ".length());
        Optional<String> admin = adminCaller(presented);
        if (admin.isPresent()) {
            new ApiCaller(admin.get(), ApiScope.ADMIN).putInto(ctx);
            ctx.next();
            return;
        }
        Optional<String> id = ApiToken.idOf(presented);
        if (id.isEmpty() || storedKeys.isEmpty()) {
            refusals.unknownKey();
            refuse(ctx, "unknown API key");
            return;
        }
        // The body waits while Redis answers; the body handler after this one reads it.
        HttpServerRequest request = ctx.request();
        boolean paused = !request.isEnded();
        if (paused) {
            request.pause();
        }
        storedKeys.get().find(id.get()).onComplete(found -> {
            if (paused) {
                request.resume();
            }
            if (found.failed()) {
                RestApi.failed(ctx, found.cause());
                return;
            }
            Optional<ApiKeyRecord> key = found.result().filter(record -> record.matches(presented));
            if (key.isEmpty()) {
                refusals.unknownKey();
                refuse(ctx, "unknown API key");
            } else if (key.get().revoked()) {
                refusals.revoked();
                refuse(ctx, "API key " + id.get() + " was revoked");
            } else {
                new ApiCaller("api-key:" + id.get(), key.get().scope()).putInto(ctx);
                ctx.next();
            }
        });
    }

    /**
     * Whether {@code presented}, which authenticated a request before, still does: a configured key always; a key made
     * through the API while Redis has it unrevoked. For requests that stay open, such as the event stream.
     */
    Future<Boolean> stillValid(String presented) {
        if (adminCaller(presented).isPresent()) {
            return Future.succeededFuture(true);
        }
        Optional<String> id = ApiToken.idOf(presented);
        if (id.isEmpty() || storedKeys.isEmpty()) {
            return Future.succeededFuture(false);
        }
        return storedKeys.get().find(id.get()).map(found -> found.filter(record -> record.matches(presented))
                .filter(record -> !record.revoked()).isPresent());
    }

    /** The caller's name when {@code presented} is one of the admin keys; every key is compared, in constant time. */
    private Optional<String> adminCaller(String presented) {
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        String known = null;
        for (int i = 0; i < adminKeys.size(); i++) {
            if (MessageDigest.isEqual(adminKeys.get(i), given)) {
                known = adminCallers.get(i);
            }
        }
        return Optional.ofNullable(known);
    }

    private static void refuse(RoutingContext ctx, String message) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        RestApi.error(ctx, 401, message);
    }
}
