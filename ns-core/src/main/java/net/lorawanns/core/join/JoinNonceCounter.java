package net.lorawanns.core.join;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.JoinNonce;

/**
 * The per-device JoinNonce: a 24-bit counter that is never reused (LoRaWAN 1.1 section 6.2.3), incremented in
 * Redis so that two join server instances never hand out the same value. Taking a JoinNonce is the step that commits
 * a join-accept, so it is also where a device locked after a root-key export is refused: an export and a join decide
 * their order in this one Redis step (see {@link RedisKeys#rootKeysLock}).
 */
public final class JoinNonceCounter {
    private static final LuaScript NEXT = new LuaScript("join_nonce_next", """
            if redis.call('EXISTS', KEYS[2]) == 1 then return -2 end
            local next = redis.call('INCR', KEYS[1])
            if next > tonumber(ARGV[1]) then
              redis.call('DECR', KEYS[1])
              return -1
            end
            return next
            """);

    /** What {@link #next} gives: a JoinNonce, or why there is none. */
    public sealed interface Next {
        /** The JoinNonce of this join-accept. */
        record Issued(JoinNonce value) implements Next {
        }

        /** All 2^24 - 1 values are spent: the device needs new root keys. */
        record Exhausted() implements Next {
        }

        /** The device's root keys are locked after an export. */
        record Locked() implements Next {
        }
    }

    private final Redis redis;
    private final RedisKeys keys;

    public JoinNonceCounter(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The device's next JoinNonce, unless they are spent or the device is locked. */
    public Future<Next> next(Eui64 devEui) {
        return NEXT.run(redis, new String[] {keys.joinNonce(devEui), keys.rootKeysLock(devEui)}, JoinNonce.MAX)
                .map(response -> {
                    long value = response.toLong();
                    if (value == -2) {
                        return new Next.Locked();
                    }
                    return value < 0 ? new Next.Exhausted() : new Next.Issued(new JoinNonce((int) value));
                });
    }
}
