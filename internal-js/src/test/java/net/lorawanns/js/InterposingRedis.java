package net.lorawanns.js;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.function.Supplier;

/**
 * A real Redis client through which, once armed, a step of the test runs after the next reply and before that reply
 * reaches the caller: a request of another instance landing between two of the caller's steps, deterministically.
 * Test code only.
 */
public final class InterposingRedis implements Redis {
    private final Redis redis;
    private Supplier<Future<Void>> next;

    public InterposingRedis(Redis redis) {
        this.redis = redis;
    }

    /** Runs {@code step} after the next reply (once). */
    public synchronized void afterNextReply(Supplier<Future<Void>> step) {
        next = step;
    }

    private synchronized Supplier<Future<Void>> take() {
        Supplier<Future<Void>> step = next;
        next = null;
        return step;
    }

    @Override
    public Future<Response> send(Request request) {
        return redis.send(request).compose(reply -> {
            Supplier<Future<Void>> step = take();
            return step == null ? Future.succeededFuture(reply) : step.get().map(reply);
        });
    }

    @Override
    public Future<RedisConnection> connect() {
        return redis.connect();
    }

    @Override
    public Future<Void> close() {
        return redis.close();
    }

    @Override
    public Future<List<Response>> batch(List<Request> requests) {
        return redis.batch(requests);
    }
}
