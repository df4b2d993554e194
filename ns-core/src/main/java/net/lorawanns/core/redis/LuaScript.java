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
 * A Lua script run atomically by Redis: by its SHA-1 (EVALSHA), loading it with EVAL when the server does not
 * know it yet (after a restart or a failover). All keys a script touches are passed as KEYS, so that Redis
 * Cluster can route it; callers keep them in one hash slot with a shared hash tag.
 */
public final class LuaScript {
    private final String source;
    private final String sha1;

    public LuaScript(String source) {
        this.source = source;
        try {
            this.sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** Runs the script with {@code keys.length} keys followed by {@code args}. */
    public Future<Response> run(Redis redis, String[] keys, Object... args) {
        return redis.send(request(Command.EVALSHA, sha1, keys, args)).recover(error -> {
            if (error.getMessage() != null && error.getMessage().startsWith("NOSCRIPT")) {
                return redis.send(request(Command.EVAL, source, keys, args));
            }
            return Future.failedFuture(error);
        });
    }

    private static Request request(Command command, String script, String[] keys, Object[] args) {
        Request request = Request.cmd(command).arg(script).arg(keys.length);
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
