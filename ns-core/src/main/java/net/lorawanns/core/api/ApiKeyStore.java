package net.lorawanns.core.api;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;

/**
 * The API keys made through the API, shared by every instance through one Redis hash ({@link RedisKeys#apiKeys()}).
 * Nothing is cached: each request's key is read from Redis, so a revocation holds on every instance from the next
 * request on.
 */
public final class ApiKeyStore {
    /**
     * KEYS[1] the hash; ARGV[1] the key ID, ARGV[2] when, ARGV[3] by whom. Marks the key revoked in one step. Returns
     * nil for an unknown ID, else {1 if revoked now or 0 if it already was, the record}.
     */
    private static final LuaScript REVOKE = new LuaScript("api_key_revoke", """
            local stored = redis.call('HGET', KEYS[1], ARGV[1])
            if not stored then return false end
            local record = cjson.decode(stored)
            if record.revoked_at then return {0, stored} end
            record.revoked_at = ARGV[2]
            record.revoked_by = ARGV[3]
            local updated = cjson.encode(record)
            redis.call('HSET', KEYS[1], ARGV[1], updated)
            return {1, updated}""");

    /** What a revocation found. */
    public record Revocation(boolean now, ApiKeyRecord record) {
    }

    private final Redis redis;
    private final RedisKeys keys;

    public ApiKeyStore(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Stores a new key; false when its ID is taken (8 random bytes: practically never). */
    Future<Boolean> create(ApiKeyRecord record) {
        return redis.send(Request.cmd(Command.HSETNX).arg(keys.apiKeys()).arg(record.id()).arg(record.toStored()))
                .map(r -> r.toInteger() == 1);
    }

    Future<Optional<ApiKeyRecord>> find(String id) {
        return redis.send(Request.cmd(Command.HGET).arg(keys.apiKeys()).arg(id))
                .map(r -> Optional.ofNullable(r).map(found -> ApiKeyRecord.fromStored(found.toString())));
    }

    /** Every key, revoked ones too, oldest first. */
    Future<List<ApiKeyRecord>> all() {
        return redis.send(Request.cmd(Command.HGETALL).arg(keys.apiKeys())).map(all -> {
            List<ApiKeyRecord> records = new ArrayList<>();
            for (String id : all.getKeys()) {
                records.add(ApiKeyRecord.fromStored(all.get(id).toString()));
            }
            records.sort(Comparator.comparing(ApiKeyRecord::createdAt).thenComparing(ApiKeyRecord::id));
            return records;
        });
    }

    /** Revokes a key; empty when no key has the ID. */
    Future<Optional<Revocation>> revoke(String id, Instant at, String by) {
        return REVOKE.run(redis, new String[] {keys.apiKeys()}, id, at.toString(), by).map(r -> {
            if (r == null) {
                return Optional.empty();
            }
            Response revoked = r.get(0);
            return Optional.of(new Revocation(revoked.toInteger() == 1, ApiKeyRecord.fromStored(r.get(1).toString())));
        });
    }
}
