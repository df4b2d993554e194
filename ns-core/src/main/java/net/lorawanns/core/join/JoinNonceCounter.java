package net.lorawanns.core.join;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import java.util.Optional;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.JoinNonce;

/**
 * The per-device JoinNonce: a 24-bit counter that is never reused (LoRaWAN 1.1 section 6.2.3), incremented in
 * Redis so that two join server instances never hand out the same value.
 */
public final class JoinNonceCounter {
    private static final LuaScript NEXT = new LuaScript("join_nonce_next", """
            local next = redis.call('INCR', KEYS[1])
            if next > tonumber(ARGV[1]) then
              redis.call('DECR', KEYS[1])
              return -1
            end
            return next
            """);

    private final Redis redis;
    private final RedisKeys keys;

    public JoinNonceCounter(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The device's next JoinNonce, or empty when all 2^24 - 1 values are spent (the device needs new keys). */
    public Future<Optional<JoinNonce>> next(Eui64 devEui) {
        return NEXT.run(redis, new String[] {keys.joinNonce(devEui)}, JoinNonce.MAX).map(response -> {
            long value = response.toLong();
            return value < 0 ? Optional.empty() : Optional.of(new JoinNonce((int) value));
        });
    }
}
