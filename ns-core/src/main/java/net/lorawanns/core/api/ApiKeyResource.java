package net.lorawanns.core.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/api-keys}: makes a key (its text is in that one answer, and nowhere else ever), lists the keys
 * (never a key nor its hash), revokes one. Each creation and revocation is logged at INFO with the key's ID and the
 * caller. Runs on the API server's event loop.
 */
final class ApiKeyResource {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyResource.class);
    private static final int MAX_NAME = 100;
    private static final Set<String> FIELDS = Set.of("scope", "name");

    private final ApiKeyStore store;
    private final SecureRandom random = new SecureRandom();

    ApiKeyResource(ApiKeyStore store) {
        this.store = store;
    }

    /** Makes a key from {@code {"scope": "admin" | "read-only" | "application:ID", "name": "..."}}. */
    Future<JsonObject> create(String caller, JsonObject body) {
        for (String field : body.fieldNames()) {
            if (!FIELDS.contains(field)) {
                throw new ApiException(400, "unknown field '" + field + "' (an API key has 'scope' and 'name')");
            }
        }
        if (!(body.getValue("scope") instanceof String scopeText)) {
            throw new ApiException(400, "scope is required: admin, read-only or application:ID");
        }
        ApiScope scope;
        try {
            scope = ApiScope.parse(scopeText);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
        Object nameValue = body.getValue("name", "");
        if (!(nameValue instanceof String name) || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw new ApiException(400, "name: must be text of at most " + MAX_NAME + " characters, no control characters");
        }
        ApiToken token = ApiToken.generate(random);
        ApiKeyRecord record = ApiKeyRecord.created(token, name, scope, Instant.now().truncatedTo(ChronoUnit.MILLIS),
                caller);
        return store.create(record).map(stored -> {
            if (!stored) {
                throw new IllegalStateException("API key ID " + token.id() + " is already taken");
            }
            LOG.info("API key {} created with scope {} by {}", token.id(), scope.text(), caller);
            return record.toJson().put("key", token.text());
        });
    }

    Future<JsonObject> list() {
        return store.all().map(all -> {
            JsonArray keys = new JsonArray();
            all.forEach(record -> keys.add(record.toJson()));
            return new JsonObject().put("api_keys", keys);
        });
    }

    /** Revokes a key; revoking it again answers as the first time did. */
    Future<JsonObject> revoke(String caller, String id) {
        if (!ApiToken.isId(id)) {
            throw new ApiException(404, "no API key " + id + " (an ID is 16 hex digits)");
        }
        return store.revoke(id, Instant.now().truncatedTo(ChronoUnit.MILLIS), caller).map(found -> {
            ApiKeyStore.Revocation revocation = found.orElseThrow(() -> new ApiException(404, "no API key " + id));
            if (revocation.now()) {
                LOG.info("API key {} (scope {}) revoked by {}", id, revocation.record().scope().text(), caller);
            }
            return revocation.record().toJson();
        });
    }
}
