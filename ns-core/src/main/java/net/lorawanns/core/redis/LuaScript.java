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
 * still answers instead of failing with NOSCRIPT. Its name is the command group its requests are counted under
 * ({@link RedisMetrics}). All keys a
 * script touches are passed as KEYS, so that Redis Cluster can route it; callers keep them in one hash slot with a
 * shared hash tag.
 */
public final class LuaScript {
    private final String name;
    /** The source as Redis reads it, encoded once rather than on every run. */
    private final byte[] source;

    /** @param name a short name for metrics, e.g. {@code session_accept} */
    public LuaScript(String name, String source) {
        this.name = name;
        this.source = source.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs the script with {@code keys.length} keys followed by {@code args}. */
    public Future<Response> run(Redis redis, String[] keys, Object... args) {
        return run(redis, ReplicaAcks.NONE, keys, args);
    }

    /**
     * Runs the script; its reply counts only once {@code acks} replicas have its effect (with a
     * {@link BatchingRedis}).
     */
    public Future<Response> run(Redis redis, ReplicaAcks acks, String[] keys, Object... args) {
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
        return redis instanceof BatchingRedis batching ? batching.send(request, name, acks) : redis.send(request);
    }
}
