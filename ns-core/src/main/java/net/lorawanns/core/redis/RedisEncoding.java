package net.lorawanns.core.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The Redis setting that keeps a device's session hash compact. Redis keeps a small hash as one packed list (a
 * ziplist up to Redis 6.2, a listpack from 7.0) while every value is at most {@code hash-max-ziplist-value} bytes
 * ({@code hash-max-listpack-value} in Redis 7, which still accepts the old name), 64 by default; one longer value
 * turns it into a hash table for good, about twice the memory. A session hash holds the sealed session (about 90
 * bytes for a LoRaWAN 1.0 session, up to about 200 for a 1.1 session with a wrapped AppSKey) and the MAC state
 * (60 bytes to about 350 with a full ADR history), so the server asks for {@value #HASH_MAX_ZIPLIST_VALUE}. A
 * confirmed downlink waiting for its ACK is kept there too, with its payload: one of more than about 200 bytes of
 * payload still turns its device's hash into a table.
 */
public final class RedisEncoding {
    /** What the README asks operators to set, and what the embedded Redis runs with. */
    public static final int HASH_MAX_ZIPLIST_VALUE = 512;
    private static final String SETTING = "hash-max-ziplist-value";

    private RedisEncoding() {
    }

    /**
     * The server's {@code hash-max-ziplist-value}; empty when Redis does not say (CONFIG is disabled or renamed on
     * many managed services).
     */
    public static Future<OptionalLong> hashMaxZiplistValue(Redis redis) {
        return RedisConfig.number(redis, SETTING);
    }

    /**
     * What to tell the operator when the server's setting is below {@link #HASH_MAX_ZIPLIST_VALUE}; empty when it is
     * not, or when Redis does not say.
     */
    public static Future<Optional<String>> advice(Redis redis) {
        return hashMaxZiplistValue(redis).map(value -> value.isPresent() && value.getAsLong() < HASH_MAX_ZIPLIST_VALUE
                ? Optional.of("Redis has hash-max-ziplist-value " + value.getAsLong() + ": a device's session hash "
                + "then takes about 1.5 KB instead of 0.8 KB. Set hash-max-ziplist-value " + HASH_MAX_ZIPLIST_VALUE
                + " (hash-max-listpack-value in Redis 7) in redis.conf (see the README, Redis memory)")
                : Optional.empty());
    }
}
