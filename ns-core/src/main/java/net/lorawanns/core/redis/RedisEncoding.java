package net.lorawanns.core.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.OptionalLong;

/**
 * The Redis setting that keeps a device's session hash compact. Redis keeps a small hash as one packed list (a
 * ziplist up to Redis 6.2, a listpack from 7.0) while every value is at most {@code hash-max-ziplist-value} bytes
 * ({@code hash-max-listpack-value} in Redis 7, which still accepts the old name), 64 by default; one longer value
 * turns it into a hash table for good, about twice the memory. A session hash holds the sealed session (about 90
 * bytes for a LoRaWAN 1.0 session, up to about 200 for a 1.1 session with a wrapped AppSKey) and the MAC state
 * (60 bytes to about 350 with a full ADR history), so the server asks for {@value #HASH_MAX_ZIPLIST_VALUE}.
 */
public final class RedisEncoding {
    /** What the README asks operators to set, and what the embedded Redis runs with. */
    public static final int HASH_MAX_ZIPLIST_VALUE = 512;

    private RedisEncoding() {
    }

    /**
     * The server's {@code hash-max-ziplist-value}; empty when Redis does not say (CONFIG is disabled or renamed on
     * many managed services).
     */
    public static Future<OptionalLong> hashMaxZiplistValue(Redis redis) {
        return redis.send(Request.cmd(Command.CONFIG).arg("GET").arg("hash-max-ziplist-value"))
                .map(RedisEncoding::value).otherwise(OptionalLong.empty());
    }

    private static OptionalLong value(Response reply) {
        if (reply == null || reply.size() < 2) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(reply.get(1).toString()));
        } catch (NumberFormatException notANumber) {
            return OptionalLong.empty();
        }
    }
}
