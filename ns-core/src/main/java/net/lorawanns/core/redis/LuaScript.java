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
    /** The digits of key counts and other small arguments, made once (the client never changes an argument). */
    private static final byte[][] SMALL = new byte[128][];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        }
    }

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
        return run(redis, acks, (Object[]) keys, args);
    }

    /**
     * Runs the script with keys already encoded (UTF-8), for a caller that keeps a key's bytes rather than building
     * it for every request.
     */
    public Future<Response> run(Redis redis, ReplicaAcks acks, byte[][] keys, Object... args) {
        return run(redis, acks, (Object[]) keys, args);
    }

    private Future<Response> run(Redis redis, ReplicaAcks acks, Object[] keys, Object[] args) {
        return send(redis, acks, request(Command.EVALSHA, sha1, keys, args)).recover(failure -> unknown(failure)
                ? send(redis, acks, request(Command.EVAL, source, keys, args))
                : Future.failedFuture(failure));
    }

    private Future<Response> send(Redis redis, ReplicaAcks acks, Request request) {
        return redis instanceof BatchingRedis batching ? batching.send(request, name, acks) : redis.send(request);
    }

    /**
     * Every argument as the bytes Redis reads, in one array of the request's size (the client's list would grow
     * several times): byte arrays as they are, integral numbers as their decimal digits without a String in between,
     * anything else as its String's UTF-8 bytes.
     */
    private static Request request(Command command, byte[] script, Object[] keys, Object[] args) {
        Object[] all = new Object[2 + keys.length + args.length];
        all[0] = script;
        all[1] = digits(keys.length);
        for (int i = 0; i < keys.length; i++) {
            all[2 + i] = bytes(keys[i]);
        }
        for (int i = 0; i < args.length; i++) {
            all[2 + keys.length + i] = bytes(args[i]);
        }
        return Request.cmd(command, all);
    }

    private static byte[] bytes(Object arg) {
        if (arg instanceof byte[] bytes) {
            return bytes;
        }
        if (arg instanceof Long || arg instanceof Integer) {
            return digits(((Number) arg).longValue());
        }
        return String.valueOf(arg).getBytes(StandardCharsets.UTF_8);
    }

    /** The decimal digits of {@code value}, with a leading '-' when negative. */
    private static byte[] digits(long value) {
        if (value >= 0 && value < SMALL.length) {
            return SMALL[(int) value];
        }
        if (value == Long.MIN_VALUE) {
            return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
        }
        long rest = Math.abs(value);
        int length = value < 0 ? 2 : 1;
        for (long left = rest / 10; left > 0; left /= 10) {
            length++;
        }
        byte[] out = new byte[length];
        int i = length;
        do {
            out[--i] = (byte) ('0' + rest % 10);
            rest /= 10;
        } while (rest > 0);
        if (value < 0) {
            out[0] = '-';
        }
        return out;
    }

    /** NOSCRIPT: the server does not have the script, and ran nothing. */
    private static boolean unknown(Throwable failure) {
        String message = failure.getMessage();
        return message != null && message.startsWith("NOSCRIPT");
    }

    private static String sha1(byte[] source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1 (MessageDigest's required algorithms)", e);
        }
    }
}
