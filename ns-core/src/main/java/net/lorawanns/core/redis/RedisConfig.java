package net.lorawanns.core.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.OptionalLong;

/** Reads a numeric setting of the Redis server by {@code CONFIG GET}. */
final class RedisConfig {
    private RedisConfig() {
    }

    /**
     * The server's {@code setting}; empty when Redis does not say (CONFIG is disabled or renamed on many managed
     * services) or does not know it.
     */
    static Future<OptionalLong> number(Redis redis, String setting) {
        return redis.send(Request.cmd(Command.CONFIG).arg("GET").arg(setting))
                .map(reply -> value(reply, setting)).otherwise(OptionalLong.empty());
    }

    /** CONFIG GET's answer: a name and a value in RESP2, a map of them in RESP3. */
    private static OptionalLong value(Response reply, String setting) {
        if (reply == null || reply.size() == 0) {
            return OptionalLong.empty();
        }
        Response value;
        try {
            value = reply.get(setting);
        } catch (RuntimeException notAMap) {
            value = null;
        }
        try {
            return OptionalLong.of(Long.parseLong((value != null ? value : reply.get(1)).toString()));
        } catch (RuntimeException notTheAnswer) {
            return OptionalLong.empty();
        }
    }
}
