package net.lorawanns.core.redis;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A Lua script run atomically by Redis. It is sent by its SHA-1 (EVALSHA): Redis keeps every script it ran by that
 * hash, and hashing and reading a whole script on every call is work spent for nothing. A {@link BatchingRedis}
 * lane's connection sends a script whole (EVAL) the first time it sends it ({@link NodePipeline}), so that the server
 * knows it before any call by its SHA-1 on that connection. A server that does not know it (through the pool: its
 * first call, a restart, a failover; on a lane's connection: SCRIPT FLUSH) answers NOSCRIPT without running anything;
 * that one request is then sent whole, and the other requests of its batch are not affected: a lane sends it again
 * itself, on the connection that answered, and settles the caller's one future with the outcome; through any other
 * client (or the pool, outside an event loop) a second request follows the first. Its name is the command group its
 * requests are counted under ({@link RedisMetrics}). All keys a script touches are passed as KEYS, so that Redis
 * Cluster can route it; callers keep them in one hash slot with a shared hash tag.
 */
public final class LuaScript {
    private final String name;
    /** The source as Redis reads it, encoded once rather than on every run. */
    private final byte[] source;
    /** The SHA-1 of the source in lower-case hex, as Redis names the script. */
    private final String sha1;
    /** {@link #sha1}'s bytes, as sent. */
    private final byte[] sha1Bytes;

    /** @param name a short name for metrics, e.g. {@code session_accept} */
    public LuaScript(String name, String source) {
        this.name = name;
        this.source = source.getBytes(StandardCharsets.UTF_8);
        this.sha1 = sha1(this.source);
        this.sha1Bytes = sha1.getBytes(StandardCharsets.US_ASCII);
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
        Call call = call(keys, args);
        return redis instanceof BatchingRedis batching ? batching.send(call, name, acks) : call.viaPool(redis);
    }

    /** A run of the script with {@code keys} (strings or byte arrays) and {@code args}, sent by its SHA-1. */
    Call call(Object[] keys, Object[] args) {
        return new Call(this, keys, args, false);
    }

    /**
     * One run of a script as Redis reads it: {@code EVALSHA <sha1> <numkeys> <keys...> <args...>}, or the same with
     * {@code EVAL <source>} ({@link #whole()}: its connection's first call of the script, or once the server answered
     * NOSCRIPT). A lane writes it straight as RESP from the caller's keys and arguments: byte arrays as they are,
     * strings as their UTF-8 bytes and integral numbers as their decimal digits, written into the lane's buffer
     * without an array per argument; the pool gets a client request of the same bytes.
     *
     * <p>Threads: immutable (the caller hands its arrays over and changes them no more); any.
     */
    static final class Call implements LaneRequest {
        private final LuaScript script;
        /** Each a byte array, a String, a Long or an Integer: anything else is made its String by the call. */
        private final Object[] keys;
        private final Object[] args;
        private final boolean whole;

        private Call(LuaScript script, Object[] keys, Object[] args, boolean whole) {
            this.script = script;
            this.keys = written(keys);
            this.args = written(args);
            this.whole = whole;
        }

        /** The call again, with the script's source (EVAL), for a server that does not know its SHA-1. */
        Call whole() {
            return new Call(script, keys, args, true);
        }

        /** Whether this call goes by the script's SHA-1, which a server answers NOSCRIPT if it lacks the script. */
        boolean bySha1() {
            return !whole;
        }

        /** The SHA-1 of the script, in lower-case hex. */
        String sha1() {
            return script.sha1;
        }

        @Override
        public int length() {
            int length = RequestWriter.arrayLength(3 + keys.length + args.length)
                    + RequestWriter.command(command()).length + RequestWriter.bulkLength(script().length)
                    + RequestWriter.numberLength(keys.length);
            for (Object key : keys) {
                length += argLength(key);
            }
            for (Object arg : args) {
                length += argLength(arg);
            }
            return length;
        }

        @Override
        public void write(ByteBuf out) {
            RequestWriter.writeArray(3 + keys.length + args.length, out);
            out.writeBytes(RequestWriter.command(command()));
            RequestWriter.writeBulk(script(), out);
            RequestWriter.writeNumber(keys.length, out);
            for (Object key : keys) {
                writeArg(key, out);
            }
            for (Object arg : args) {
                writeArg(arg, out);
            }
        }

        @Override
        public byte[] routingKey() {
            if (keys.length == 0) {
                return null;
            }
            return keys[0] instanceof byte[] bytes ? bytes : keys[0].toString().getBytes(StandardCharsets.UTF_8);
        }

        /** EVALSHA through the pool, then EVAL if the server answered NOSCRIPT. */
        @Override
        public Future<Response> viaPool(Redis pooled) {
            return pooled.send(request()).recover(failure -> !whole && unknown(failure)
                    ? pooled.send(whole().request())
                    : Future.failedFuture(failure));
        }

        private Command command() {
            return whole ? Command.EVAL : Command.EVALSHA;
        }

        private byte[] script() {
            return whole ? script.source : script.sha1Bytes;
        }

        /** The client's request of the same bytes as {@link #write}. */
        private Request request() {
            Request request = Request.cmd(command()).arg(script()).arg(keys.length);
            for (Object key : keys) {
                arg(request, key);
            }
            for (Object arg : args) {
                arg(request, arg);
            }
            return request;
        }

        private static void arg(Request request, Object arg) {
            if (arg instanceof byte[] bytes) {
                request.arg(bytes);
            } else if (arg instanceof String text) {
                request.arg(text.getBytes(StandardCharsets.UTF_8));
            } else {
                // As its decimal digits: the client's arg(long) writes -2^63 as "-0".
                request.arg(arg.toString());
            }
        }

        private static int argLength(Object arg) {
            if (arg instanceof byte[] bytes) {
                return RequestWriter.bulkLength(bytes.length);
            }
            if (arg instanceof String text) {
                return RequestWriter.bulkLength(text);
            }
            return RequestWriter.numberLength(((Number) arg).longValue());
        }

        private static void writeArg(Object arg, ByteBuf out) {
            if (arg instanceof byte[] bytes) {
                RequestWriter.writeBulk(bytes, out);
            } else if (arg instanceof String text) {
                RequestWriter.writeBulk(text, out);
            } else {
                RequestWriter.writeNumber(((Number) arg).longValue(), out);
            }
        }

        /**
         * Keys or arguments as they are written: {@code args} itself when each is a byte array, a String, a Long or an
         * Integer, else a copy with the others as their String (taken now, as the caller sees the value). The copy is
         * an {@code Object[]}, whatever the caller's array is (a {@code byte[][]} or a {@code Long[]} takes no String).
         */
        private static Object[] written(Object[] args) {
            Object[] written = args;
            for (int i = 0; i < args.length; i++) {
                Object arg = args[i];
                if (!(arg instanceof byte[] || arg instanceof String || arg instanceof Long
                        || arg instanceof Integer)) {
                    if (written == args) {
                        written = Arrays.copyOf(args, args.length, Object[].class);
                    }
                    written[i] = String.valueOf(arg);
                }
            }
            return written;
        }
    }

    /** NOSCRIPT: the server does not have the script, and ran nothing. */
    static boolean unknown(Throwable failure) {
        return unknown(failure.getMessage());
    }

    /** Whether Redis's error {@code message} is NOSCRIPT. */
    static boolean unknown(String message) {
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
