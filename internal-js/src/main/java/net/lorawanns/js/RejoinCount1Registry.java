package net.lorawanns.js;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import java.util.Optional;
import net.lorawanns.core.redis.LuaScript;
import net.lorawanns.core.redis.RedisKeys;
import net.lorawanns.core.types.Eui64;

/**
 * RJcount1 of type 1 rejoin-requests, which the join server tracks (LoRaWAN 1.1 section 6.2.4.2): a value not greater
 * than the last is refused. The device never resets it for a JoinEUI, so the record lives as long as the DevNonce
 * history beside it, past a deleted device. Check and record are one Redis step.
 */
public final class RejoinCount1Registry {
    private static final LuaScript USE = new LuaScript("rejoin_count1_use", """
            local last = redis.call('GET', KEYS[1])
            if last and tonumber(ARGV[1]) <= tonumber(last) then return tonumber(last) end
            redis.call('SET', KEYS[1], ARGV[1])
            return -1
            """);

    private final Redis redis;
    private final RedisKeys keys;

    public RejoinCount1Registry(Redis redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** @return empty when accepted and recorded, else why not */
    Future<Optional<String>> use(Eui64 devEui, Eui64 joinEui, int rjCount1) {
        return USE.run(redis, new String[] {keys.rejoinCount1(devEui, joinEui)}, rjCount1).map(response -> {
            long last = response.toLong();
            return last < 0 ? Optional.empty()
                    : Optional.of("RJcount1 " + rjCount1 + " is not greater than the last one, " + last);
        });
    }
}
