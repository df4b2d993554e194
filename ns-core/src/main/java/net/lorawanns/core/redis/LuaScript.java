package net.lorawanns.core.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script run atomically by Redis. It is sent by its SHA-1 (EVALSHA): Redis keeps every script it ran by that
 * hash, and hashing and reading a whole script on every call is work spent for nothing. A server that does not know
 * it (its first call, a restart, a failover, SCRIPT FLUSH) answers NOSCRIPT without running anything; that one
 * request is then sent whole (EVAL), which teaches it the script, and the other requests of its batch are not
 * affected. Its name is the command group its requests are counted under ({@link RedisMetrics}). All keys a script
 * touches are passed as KEYS, so that Redis Cluster can route it; callers keep them in one hash slot with a shared
 * hash tag.
 */
public final class LuaScript {
    private final String name;
    /** The source as Redis reads it, encoded once rather than on every run. */
    private final byte[] source;
    /** The SHA-1 of the source in lower-case hex, as Redis names the script (its bytes, as sent). */
    private final byte[] sha1;

    /** @param name a short name for metrics, e.g. {@code session_accept} */
    public LuaScript(String name, String source) {
        this.name = name;
        this.source = source.getBytes(StandardCharsets.UTF_8);
        this.sha1 = sha1(this.source).getBytes(StandardCharsets.US_ASCII);
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
        return send(redis, acks, request(Command.EVALSHA, sha1, keys, args)).recover(failure -> unknown(failure)
                ? send(redis, acks, request(Command.EVAL, source, keys, args))
                : Future.failedFuture(failure));
    }

    private Future<Response> send(Redis redis, ReplicaAcks acks, Request request) {
        return redis instanceof BatchingRedis batching ? batching.send(request, name, acks) : redis.send(request);
    }

    /** Integral arguments go as their decimal digits without a String in between, as Redis reads any argument. */
    private static Request request(Command command, byte[] script, String[] keys, Object[] args) {
        Request request = Request.cmd(command).arg(script).arg(keys.length);
        for (String key : keys) {
            request.arg(key);
        }
        for (Object arg : args) {
            if (arg instanceof byte[] bytes) {
                request.arg(bytes);
            } else if (arg instanceof Long || arg instanceof Integer) {
                request.arg(((Number) arg).longValue());
            } else {
                request.arg(String.valueOf(arg));
            }
        }
        return request;
    }

    /**
     * NOSCRIPT: the server does not have the script, and ran nothing. Inside a transaction (replica acknowledgements)
     * the error comes as an element of EXEC's reply, which the client words {@code ERR [i] NOSCRIPT ...}.
     */
    private static boolean unknown(Throwable failure) {
        String message = failure.getMessage();
        return message != null && (message.startsWith("NOSCRIPT") || message.contains("] NOSCRIPT "));
    }

    private static String sha1(byte[] source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1 (MessageDigest's required algorithms)", e);
        }
    }
}
