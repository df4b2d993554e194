package net.lorawanns.core.api;

import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * An API key made through the API, as stored: its ID, the SHA-256 of its text (kept after its revocation, so that
 * the holder of a revoked key is told so, and nobody else), its scope, an optional name, who made it and when, and its
 * revocation.
 */
public record ApiKeyRecord(String id, String sha256, String name, ApiScope scope, Instant createdAt,
                           String createdBy, Optional<Instant> revokedAt, Optional<String> revokedBy) {

    /** The record of a new key. */
    static ApiKeyRecord created(ApiToken token, String name, ApiScope scope, Instant at, String by) {
        return new ApiKeyRecord(token.id(), HexFormat.of().formatHex(ApiToken.digest(token.text())), name,
                scope, at, by, Optional.empty(), Optional.empty());
    }

    public boolean revoked() {
        return revokedAt.isPresent();
    }

    /** Whether {@code presented} is this key (revoked or not), compared in constant time. */
    boolean matches(String presented) {
        return MessageDigest.isEqual(HexFormat.of().parseHex(sha256), ApiToken.digest(presented));
    }

    /** The stored form, read back by {@link #fromStored(String)} and by the revocation script. */
    String toStored() {
        return toJson().put("sha256", sha256).encode();
    }

    static ApiKeyRecord fromStored(String stored) {
        JsonObject json = new JsonObject(stored);
        return new ApiKeyRecord(json.getString("id"), json.getString("sha256"),
                json.getString("name", ""), ApiScope.parse(json.getString("scope")),
                Instant.parse(json.getString("created_at")), json.getString("created_by"),
                Optional.ofNullable(json.getString("revoked_at")).map(Instant::parse),
                Optional.ofNullable(json.getString("revoked_by")));
    }

    /** The key as the API shows it: never the key, nor its hash. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("id", id).put("name", name).put("scope", scope.text())
                .put("created_at", createdAt.toString()).put("created_by", createdBy);
        revokedAt.ifPresent(at -> json.put("revoked_at", at.toString()));
        revokedBy.ifPresent(by -> json.put("revoked_by", by));
        return json;
    }

    /** The ID, name and scope: never the key's hash. */
    @Override
    public String toString() {
        return "ApiKeyRecord[" + id + ", " + name + ", " + scope.text() + (revoked() ? ", revoked" : "") + "]";
    }
}
