package net.lorawanns.core.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;

/**
 * A Lua script run atomically by Redis. It is sent whole (EVAL), never by its SHA-1 alone (EVALSHA): Redis keeps
 * the compiled script by its hash either way, and a server that lost its script cache (a restart, a failover)
 * still answers instead of failing with NOSCRIPT, which would fail a whole {@link BatchingRedis} batch. All keys a
 * script touches are passed as KEYS, so that Redis Cluster can route it; callers keep them in one hash slot with a
 * shared hash tag.
 */
public final class LuaScript {
    /** The source as Redis reads it, encoded once rather than on every run. */
    private final byte[] source;

    public LuaScript(String source) {
        this.source = source.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs the script with {@code keys.length} keys followed by {@code args}. */
    public Future<Response> run(Redis redis, String[] keys, Object... args) {
        return redis.send(request(keys, args));
    }

    /** The request that runs the script, for sending it in a particular way (see {@link ReplicaAcks}). */
    public Request request(String[] keys, Object... args) {
        Request request = Request.cmd(Command.EVAL).arg(source).arg(keys.length);
        for (String key : keys) {
            request.arg(key);
        }
        for (Object arg : args) {
            if (arg instanceof byte[] bytes) {
                request.arg(bytes);
            } else {
                request.arg(String.valueOf(arg));
            }
        }
        return request;
    }
}
