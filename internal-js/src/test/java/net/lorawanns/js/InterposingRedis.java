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
 * reaches the caller, or before the next request that names a given key is sent: a request of another instance
 * landing between two of the caller's steps, deterministically. A step that fails makes the request fail unsent.
 * Test code only.
 */
public final class InterposingRedis implements Redis {
    private final Redis redis;
    private Supplier<Future<Void>> next;
    private String beforeKey;
    private Supplier<Future<Void>> before;

    public InterposingRedis(Redis redis) {
        this.redis = redis;
    }

    /** Runs {@code step} after the next reply (once). */
    public synchronized void afterNextReply(Supplier<Future<Void>> step) {
        next = step;
    }

    /**
     * Runs {@code step} before the next request that names {@code key} (once), e.g. the script of the step that acts,
     * past the reads before it.
     */
    public synchronized void beforeRequestNaming(String key, Supplier<Future<Void>> step) {
        beforeKey = key;
        before = step;
    }

    private synchronized Supplier<Future<Void>> takeBefore(Request request) {
        if (before == null || !request.toString().contains(beforeKey)) {
            return null;
        }
        Supplier<Future<Void>> step = before;
        before = null;
        return step;
    }

    private synchronized Supplier<Future<Void>> take() {
        Supplier<Future<Void>> step = next;
        next = null;
        return step;
    }

    @Override
    public Future<Response> send(Request request) {
        Supplier<Future<Void>> first = takeBefore(request);
        if (first != null) {
            return first.get().compose(v -> send(request));
        }
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
